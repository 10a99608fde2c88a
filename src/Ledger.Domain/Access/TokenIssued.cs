namespace Ledger.Domain.Access;

/// <summary>
/// A bearer token was issued. Only its SHA-256 hash is recorded: the token itself is shown once
/// to whoever asked for it and never stored.
/// </summary>
public sealed record TokenIssued(
    Guid OrganizationId,
    Guid TokenId,
    string TokenHash,
    Role Role,
    string? UserId,
    string IssuedBy,
    DateTimeOffset IssuedAt);
