using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Domain.Access;

namespace Ledger.Api.Keys.Listing;

public static class ListKeysEndpoint
{
    /// <summary>Keys with owner, team and caps, and the teams' caps; members and viewers get the keys they own.</summary>
    public static void MapListKeys(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/keys", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .Produces<KeyListQuery.Result>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, KeyListQuery query, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        return Results.Ok(await query.RunAsync(user.OrganizationOf(), OwnerScope(user), ct));
    }

    /// <summary>Null (every key) for owners and admins; otherwise the caller, whose own keys it sees.</summary>
    public static string? OwnerScope(ClaimsPrincipal user) => user.RoleOf() is { } role && role.SeesWholeOrganization() ? null : user.ActorOf();
}
