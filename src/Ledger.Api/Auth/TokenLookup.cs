using System.Security.Claims;
using Ledger.Domain.Access;
using Ledger.Projections.Access;
using Ledger.Projections.Members;
using Marten;

namespace Ledger.Api.Auth;

/// <summary>
/// A token's hash to who presents it: the token read model (ingest tokens through
/// <see cref="IngestTokenCache"/>) and, for a member's token, the member's current role, so a
/// re-role or revocation applies at once. Bearer requests and dashboard sessions both ask here.
/// </summary>
public sealed class TokenLookup(IDocumentStore store, IngestTokenCache cache)
{
    public sealed record Found(AccessToken Token, Role Role);

    public async Task<Found?> FindAsync(string hash, CancellationToken ct)
    {
        if (cache.Find(hash) is { } cached) return new Found(cached, cached.Role);
        var generation = cache.Generation;
        await using var session = store.QuerySession();
        var token = await session.LoadAsync<AccessToken>(hash, ct);
        if (token is null) return null;
        cache.Remember(token, generation);
        if (token.UserId is not { } userId) return new Found(token, token.Role);
        var member = await session.LoadAsync<Member>(Member.Key(token.OrganizationId, userId), ct);
        return new Found(token, member?.Role ?? token.Role); // no member document: an organization created before members were projected
    }

    /// <summary>The claims every handler gives the caller; <see cref="LedgerClaims"/> reads them.</summary>
    public static ClaimsIdentity Identity(Found found, string scheme, IEnumerable<Claim>? more = null) => new(
        [
            new Claim(LedgerClaims.OrganizationId, found.Token.OrganizationId.ToString()),
            new Claim(LedgerClaims.Role, found.Role.ToString()),
            new Claim(LedgerClaims.UserId, found.Token.UserId ?? "ingest"),
            .. more ?? [],
        ],
        scheme, LedgerClaims.UserId, LedgerClaims.Role);
}
