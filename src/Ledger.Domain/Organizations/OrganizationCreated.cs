namespace Ledger.Domain.Organizations;

public sealed record OrganizationCreated(Guid OrganizationId, string Name, string CreatedBy, DateTimeOffset CreatedAt);
