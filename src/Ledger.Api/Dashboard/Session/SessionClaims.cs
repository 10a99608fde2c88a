using System.Security.Claims;
using Ledger.Api.Auth;

namespace Ledger.Api.Dashboard.Session;

/// <summary>
/// What a dashboard session cookie holds besides <see cref="LedgerClaims"/>: the hash of the token
/// it was started with (never the token), so the session ends when that token is revoked, and the
/// organization's name, which the page addresses carry.
/// </summary>
public static class SessionClaims
{
    public const string TokenHash = "ledger:token_hash";
    public const string OrganizationName = "ledger:organization_name";

    public static string OrganizationNameOf(this ClaimsPrincipal user) => user.FindFirstValue(OrganizationName) ?? "";

    public static ClaimsPrincipal Principal(TokenLookup.Found found, string tokenHash, string organizationName) => new(
        TokenLookup.Identity(found, SessionSetup.Scheme,
            [new Claim(TokenHash, tokenHash), new Claim(OrganizationName, organizationName)]));
}
