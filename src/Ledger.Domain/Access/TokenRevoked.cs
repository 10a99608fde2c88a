namespace Ledger.Domain.Access;

/// <summary>A token was revoked; from this event on it authenticates nothing.</summary>
public sealed record TokenRevoked(Guid OrganizationId, Guid TokenId, string TokenHash, string RevokedBy, DateTimeOffset RevokedAt);
