using Ledger.Domain.Access;

namespace Ledger.Projections.Access;

/// <summary>
/// A bearer token as authentication sees it, keyed by the token's SHA-256 hash: a presented token
/// is hashed and loaded by id. The token itself is never stored.
/// </summary>
public sealed record AccessToken(
    string Id,
    Guid OrganizationId,
    Guid TokenId,
    Role Role,
    string? UserId,
    DateTimeOffset IssuedAt);
