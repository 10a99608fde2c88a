using System.Security.Claims;
using Ledger.Api.Access;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.ModelPrices.Setting;

namespace Ledger.Api.ModelPrices.Setting;

public static class PutModelPricesEndpoint
{
    /// <summary>
    /// Sets, replaces or removes the organization's own prices of the models named and answers the
    /// table in force. Usage already settled keeps its cost; a model whose price is unchanged records nothing.
    /// </summary>
    public static void MapPutModelPrices(this IEndpointRouteBuilder app) =>
        app.MapPut("/api/model-prices", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<ModelPriceTableQuery.Response>()
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        ModelPricesRequest request, ClaimsPrincipal user, OrganizationWriter writer, ModelPriceTableQuery table,
        TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var decision = await writer.ChangeAsync(user.OrganizationOf(),
            org => SetModelPrices.Decide(org, request.Changes, user.ActorOf(), clock.GetUtcNow()), ct);
        return decision.Refusal is { } refusal ? Problem.Refused(refusal) : Results.Ok(await table.RunAsync(user.OrganizationOf(), ct));
    }
}
