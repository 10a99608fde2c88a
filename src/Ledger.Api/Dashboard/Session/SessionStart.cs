using Ledger.Api.Auth;
using Ledger.Api.Http;
using Ledger.Domain.Access;
using Ledger.Domain.Organizations;
using Marten;
using Microsoft.AspNetCore.Authentication;

namespace Ledger.Api.Dashboard.Session;

/// <summary>
/// Starts a dashboard session from a member token, or from a one-time sign-in link that names one:
/// the token's hash is looked up as a bearer token's is, and only the hash goes into the cookie.
/// A refused token or link counts as a failed authentication against the caller's address.
/// </summary>
public sealed class SessionStart(TokenLookup lookup, IDocumentStore store, SignInLinksTable links, FailedAuthentications failures)
{
    /// <summary>The organization's name (the pages' addresses start with it), or null when the token does not sign in.</summary>
    public Task<string?> SignInAsync(HttpContext context, string token)
    {
        token = token.Trim();
        return StartAsync(context, token.Length is > 0 and <= 200 ? BearerToken.Hash(token) : null);
    }

    /// <summary>As <see cref="SignInAsync"/>, with the code of a sign-in link, which this uses up.</summary>
    public async Task<string?> SignInWithLinkAsync(HttpContext context, string code) =>
        await StartAsync(context, await links.ConsumeAsync(code.Trim(), context.RequestAborted));

    private async Task<string?> StartAsync(HttpContext context, string? tokenHash)
    {
        var found = tokenHash is null ? null : await lookup.FindAsync(tokenHash, context.RequestAborted);
        if (found is null || !found.Role.CanReadDashboard())
        {
            failures.Count(context);
            return null;
        }
        var name = await OrganizationNameAsync(found.Token.OrganizationId, context.RequestAborted);
        await context.SignInAsync(SessionSetup.Scheme, SessionClaims.Principal(found, tokenHash!, name),
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
