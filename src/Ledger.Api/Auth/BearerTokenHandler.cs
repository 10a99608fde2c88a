using System.Security.Claims;
using System.Text.Encodings.Web;
using Ledger.Api.Http;
using Ledger.Domain.Access;
using Ledger.Projections.Access;
using Ledger.Projections.Members;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer ...</c> by hashing the presented token and loading the
/// token read model by that hash (ingest tokens through <see cref="IngestTokenCache"/>); a member's role comes from the member read model.
/// Tokens are never logged, compared or stored in plain text.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IDocumentStore store, IngestTokenCache cache,
    FailedAuthentications failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    /// <summary>The token of <c>Authorization: Bearer ...</c>, or null when the request presents none.</summary>
    public static string? PresentedToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedToken(Request) is not { } token) return AuthenticateResult.NoResult();
        if (token.Length is 0 or > 200) return Refused("Malformed bearer token");

        var hash = BearerToken.Hash(token);
        var (found, role) = cache.Find(hash) is { } cached ? (cached, cached.Role) : await LoadAsync(hash);
        if (found is null) return Refused("Unknown or revoked token");

        var identity = new ClaimsIdentity(
            [
                new Claim(LedgerClaims.OrganizationId, found.OrganizationId.ToString()),
                new Claim(LedgerClaims.Role, role.ToString()),
                new Claim(LedgerClaims.UserId, found.UserId ?? "ingest"),
            ],
            SchemeName, LedgerClaims.UserId, LedgerClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Counted against the caller's address, which is refused altogether past a few a minute.</summary>
    private AuthenticateResult Refused(string reason)
    {
        failures.Count(Context);
        return AuthenticateResult.Fail(reason);
    }

    /// <summary>
    /// RFC 6750: a 401 names the scheme, and says <c>invalid_token</c> when a token was presented and refused.
    /// A database outage never gets here: the lookup throws, and the request answers 503.
    /// </summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var refused = (await HandleAuthenticateOnceSafeAsync()).Failure is not null;
        Response.Headers.WWWAuthenticate = refused ? "Bearer error=\"invalid_token\"" : "Bearer";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
    }

    private async Task<(AccessToken? Token, Role Role)> LoadAsync(string hash)
    {
        var generation = cache.Generation;
        await using var session = store.QuerySession();
        var found = await session.LoadAsync<AccessToken>(hash, Context.RequestAborted);
        if (found is null) return (null, default);
        cache.Remember(found, generation);
        if (found.UserId is not { } userId) return (found, found.Role);
        // A member's tokens act with the member's current role, so a re-role applies at once.
        var member = await session.LoadAsync<Member>(Member.Key(found.OrganizationId, userId), Context.RequestAborted);
        return (found, member?.Role ?? found.Role); // no member document: an organization created before members were projected
    }
}
