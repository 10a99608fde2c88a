using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;

namespace Ledger.Api.Consumers.Listing;

public static class ListConsumersEndpoint
{
    public sealed record Response(IReadOnlyList<ConsumerListQuery.Row> Consumers, int Page, int PageSize, long Total);

    public static void MapListConsumers(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/consumers", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>()
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        ConsumerListRequest request, ClaimsPrincipal user, ConsumerScope scope, ConsumerListQuery query, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var choice = await scope.ChooseAsync(user, request.Scope, ct);
        if (choice.Refused is { } why) return Problem.Forbidden("scope", why);
        var page = request.Page ?? 1;
        var (rows, total) = await query.RunAsync(
            user.OrganizationOf(), choice.Keys, request.Search, request.Sort ?? "total_spend", (request.Order ?? "desc") == "desc", page, ct);
        return Results.Ok(new Response(rows, page, ConsumerListQuery.PageSize, total));
    }
}
