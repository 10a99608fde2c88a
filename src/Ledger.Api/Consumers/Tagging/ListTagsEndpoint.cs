using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;

namespace Ledger.Api.Consumers.Tagging;

public static class ListTagsEndpoint
{
    public sealed record Response(IReadOnlyList<TagView> Tags);

    public static void MapListTags(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/end-users/tags", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        ConsumerFilter filter, ClaimsPrincipal user, ConsumerScope scope, TagListQuery query, CancellationToken ct)
    {
        if (!user.Owns(filter.OrganizationId)) return Problem.NotFound("organization");
        var keys = await scope.DefaultAsync(user, ct);
        return Results.Ok(new Response(await query.RunAsync(user.OrganizationOf(), filter.EndUserId, keys, ct)));
    }
}
