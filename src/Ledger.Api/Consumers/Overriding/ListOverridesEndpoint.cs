using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Decisions;

namespace Ledger.Api.Consumers.Overriding;

public static class ListOverridesEndpoint
{
    public sealed record Response(IReadOnlyList<OverrideView> Overrides);

    public static void MapListOverrides(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/end-users/overrides", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "end_user_id")] string? endUserId,
        ClaimsPrincipal user, ConsumerScope scope, OverrideListQuery query, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        if (!string.IsNullOrEmpty(endUserId) && !TextRules.IsIdentifier(endUserId))
            return Problem.Refused(new(RefusalKind.Invalid, "end_user_id", "'end_user_id' must be 1 to 200 characters without control characters."));
        var keys = await scope.DefaultAsync(user, ct);
        return Results.Ok(new Response(await query.RunAsync(user.OrganizationOf(), NullIfEmpty(endUserId), keys, ct)));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
