namespace Ledger.Domain.Access;

public sealed record MemberAdded(Guid OrganizationId, string UserId, Role Role, string AddedBy, DateTimeOffset AddedAt);
