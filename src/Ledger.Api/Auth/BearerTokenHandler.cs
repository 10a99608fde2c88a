using System.Security.Claims;
using System.Text.Encodings.Web;
using Ledger.Domain.Access;
using Ledger.Projections.Access;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer ...</c> by hashing the presented token and loading the
/// token read model by that hash. Tokens are never logged, compared or stored in plain text.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IDocumentStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200) return AuthenticateResult.Fail("Malformed bearer token");

        await using var session = store.QuerySession();
        var found = await session.LoadAsync<AccessToken>(BearerToken.Hash(token), Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("Unknown or revoked token");

        var identity = new ClaimsIdentity(
            [
                new Claim(LedgerClaims.OrganizationId, found.OrganizationId.ToString()),
                new Claim(LedgerClaims.Role, found.Role.ToString()),
                new Claim(LedgerClaims.UserId, found.UserId ?? "ingest"),
            ],
            SchemeName, LedgerClaims.UserId, LedgerClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
