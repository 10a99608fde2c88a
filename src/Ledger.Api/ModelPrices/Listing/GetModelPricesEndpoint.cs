using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.ModelPrices.Listing;

public static class GetModelPricesEndpoint
{
    /// <summary>The price table in force: the organization's own prices and the shipped defaults, each marked with its source.</summary>
    public static void MapGetModelPrices(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/model-prices", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces<ModelPriceTableQuery.Response>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId, ClaimsPrincipal user,
        ModelPriceTableQuery table, CancellationToken ct) =>
        user.Owns(organizationId) ? Results.Ok(await table.RunAsync(user.OrganizationOf(), ct)) : Problem.NotFound("organization");
}
