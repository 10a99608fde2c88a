using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Decisions;

namespace Ledger.Api.Consumers.Tagging;

public static class ListTagsEndpoint
{
    public sealed record Response(IReadOnlyList<TagView> Tags);

    public static void MapListTags(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/end-users/tags", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "end_user_id")] string? endUserId,
        ClaimsPrincipal user, ConsumerScope scope, TagListQuery query, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        if (!string.IsNullOrEmpty(endUserId) && !TextRules.IsIdentifier(endUserId))
            return Problem.Refused(new(RefusalKind.Invalid, "end_user_id", "'end_user_id' must be 1 to 200 characters without control characters."));
        var keys = await scope.DefaultAsync(user, ct);
        var endUser = string.IsNullOrEmpty(endUserId) ? null : endUserId;
        return Results.Ok(new Response(await query.RunAsync(user.OrganizationOf(), endUser, keys, ct)));
    }
}
