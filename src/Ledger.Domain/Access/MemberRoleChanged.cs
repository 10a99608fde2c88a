namespace Ledger.Domain.Access;

/// <summary>A member's role changed. Every token the member holds acts with the new role at once.</summary>
public sealed record MemberRoleChanged(
    Guid OrganizationId, string UserId, Role PreviousRole, Role Role, string ChangedBy, DateTimeOffset ChangedAt);
