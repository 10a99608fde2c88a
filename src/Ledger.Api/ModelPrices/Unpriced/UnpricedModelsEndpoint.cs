using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.ModelPrices.Unpriced;

public static class UnpricedModelsEndpoint
{
    public sealed record Response(IReadOnlyList<UnpricedModelsQuery.UnpricedModel> Models);

    /// <summary>
    /// Models whose usage came without a cost while no price was known: it counted at cost 0. Setting
    /// a price prices later usage; the requests already counted keep their cost, so they stay listed.
    /// </summary>
    public static void MapUnpricedModels(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/model-prices/unpriced", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId, ClaimsPrincipal user,
        UnpricedModelsQuery query, CancellationToken ct) =>
        user.Owns(organizationId) ? Results.Ok(new Response(await query.RunAsync(user.OrganizationOf(), ct))) : Problem.NotFound("organization");
}
