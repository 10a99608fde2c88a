using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.Access.Members;

public static class ListMembersEndpoint
{
    /// <summary>Members with their live tokens' ids (never the tokens), and the gateway's ingest tokens.</summary>
    public static void MapListMembers(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/members", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces<MemberListQuery.Result>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, MemberListQuery query, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        return Results.Ok(await query.RunAsync(user.OrganizationOf(), ct));
    }
}
