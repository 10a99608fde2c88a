namespace Ledger.Domain.Consumers;

public sealed record TagRemoved(Guid OrganizationId, string EndUserId, Guid TagId, string Tag, string Actor, DateTimeOffset RemovedAt);
