using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;

namespace Ledger.Api.Consumers.Overriding;

public static class ListOverridesEndpoint
{
    public sealed record Response(IReadOnlyList<OverrideView> Overrides);

    public static void MapListOverrides(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/end-users/overrides", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        ConsumerFilter filter, ClaimsPrincipal user, ConsumerScope scope, OverrideListQuery query, CancellationToken ct)
    {
        if (!user.Owns(filter.OrganizationId)) return Problem.NotFound("organization");
        var keys = await scope.DefaultAsync(user, ct);
        return Results.Ok(new Response(await query.RunAsync(user.OrganizationOf(), filter.EndUserId is { } id ? [id] : null, keys, ct)));
    }
}
