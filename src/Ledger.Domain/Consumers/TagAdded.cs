namespace Ledger.Domain.Consumers;

public sealed record TagAdded(Guid OrganizationId, string EndUserId, Guid TagId, string Tag, string Actor, DateTimeOffset AddedAt);
