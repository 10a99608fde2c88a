using Ledger.Api.Auth;
using Ledger.Api.Http;
using Ledger.Domain.Access;
using Ledger.Domain.Organizations;
using Marten;
using Microsoft.AspNetCore.Authentication;

namespace Ledger.Api.Dashboard.Session;

/// <summary>
/// Starts a dashboard session from a member token: the token is hashed and looked up as a bearer
/// token is, and only its hash goes into the cookie. A refused token counts as a failed
/// authentication against the caller's address.
/// </summary>
public sealed class SessionStart(TokenLookup lookup, IDocumentStore store, FailedAuthentications failures)
{
    /// <summary>The organization's name (the pages' addresses start with it), or null when the token does not sign in.</summary>
    public async Task<string?> SignInAsync(HttpContext context, string token)
    {
        token = token.Trim();
        var hash = token.Length is > 0 and <= 200 ? BearerToken.Hash(token) : null;
        var found = hash is null ? null : await lookup.FindAsync(hash, context.RequestAborted);
        if (found is null || !found.Role.CanReadDashboard())
        {
            failures.Count(context);
            return null;
        }
        var name = await OrganizationNameAsync(found.Token.OrganizationId, context.RequestAborted);
        await context.SignInAsync(SessionSetup.Scheme, SessionClaims.Principal(found, hash!, name),
            new AuthenticationProperties { IsPersistent = true });
        return name;
    }

    private async Task<string> OrganizationNameAsync(Guid organizationId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var first = await session.Events.FetchStreamAsync(OrganizationStream.Key(organizationId), version: 1, token: ct);
        return first.Select(e => e.Data).OfType<OrganizationCreated>().Single().Name;
    }
}
