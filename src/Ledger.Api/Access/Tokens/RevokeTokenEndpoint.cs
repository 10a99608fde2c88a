using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Domain.Access.Tokens;
using Ledger.Domain.Decisions;

namespace Ledger.Api.Access.Tokens;

public static class RevokeTokenEndpoint
{
    /// <summary>The token authenticates nothing from the moment this answers 204.</summary>
    public static void MapRevokeToken(this IEndpointRouteBuilder app) =>
        app.MapDelete("/api/tokens/{token_id}", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces(StatusCodes.Status204NoContent);

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "token_id")] string tokenId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, OrganizationWriter writer, IngestTokenCache tokens, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        if (!Guid.TryParse(tokenId, out var id)) return Problem.NotFound("token");
        var decision = await RevokeAsync(user, id, writer, tokens, clock, ct);
        return decision.Refusal is { } refusal ? Problem.Refused(refusal) : Results.NoContent();
    }

    /// <summary>Revokes as the caller (this endpoint and the members page), and forgets this node's cached ingest tokens.</summary>
    public static async Task<Decision> RevokeAsync(
        ClaimsPrincipal user, Guid tokenId, OrganizationWriter writer, IngestTokenCache tokens, TimeProvider clock, CancellationToken ct)
    {
        var decision = await writer.ChangeAsync(user.OrganizationOf(),
            org => RevokeToken.Decide(org, user.ActorOf(), tokenId, clock.GetUtcNow()), ct);
        tokens.Forget(user.OrganizationOf());
        return decision;
    }
}
