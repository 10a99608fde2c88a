using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.OrganizationUsage.GettingTotals;

public static class OrganizationUsageEndpoint
{
    public static void MapOrganizationUsage(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/usage/totals", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces<OrganizationUsageQuery.Totals>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId, ClaimsPrincipal user, OrganizationUsageQuery query, CancellationToken ct) =>
        user.Owns(organizationId)
            ? Results.Ok(await query.RunAsync(user.OrganizationOf(), ct))
            : Problem.NotFound("organization");
}
