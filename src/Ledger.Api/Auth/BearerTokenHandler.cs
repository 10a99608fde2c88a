using System.Security.Claims;
using System.Text.Encodings.Web;
using Ledger.Api.Http;
using Ledger.Domain.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer ...</c> by hashing the presented token and looking the
/// hash up (<see cref="TokenLookup"/>).
/// Tokens are never logged, compared or stored in plain text.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenLookup lookup, FailedAuthentications failures)
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

        if (await lookup.FindAsync(BearerToken.Hash(token), Context.RequestAborted) is not { } found) return Refused("Unknown or revoked token");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(TokenLookup.Identity(found, SchemeName)), SchemeName));
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
}
