using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.Consumers.Tagging;

public static class RemoveTagEndpoint
{
    public static void MapRemoveTag(this IEndpointRouteBuilder app) =>
        app.MapDelete("/api/end-users/tags", HandleAsync)
            .RequireAuthorization(Policies.Tag)
            .Produces(StatusCodes.Status204NoContent);

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "id")] string? id,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, ConsumerScope scope, TagListQuery tags, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        var outcome = await TagCommand.RemoveAsync(id, user, scope, tags, writer, clock, ct);
        return outcome switch
        {
            { Hidden: true } => Problem.NotFound("tag"),
            { Refusal: { } refusal } => Problem.Refused(refusal),
            _ => Results.NoContent(),
        };
    }
}
