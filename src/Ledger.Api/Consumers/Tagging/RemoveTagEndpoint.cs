using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Domain.Consumers.Tagging;

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
        var org = user.OrganizationOf();
        if (!Guid.TryParse(id, out var tagId) || await tags.OwnerAsync(org, tagId, ct) is not { } endUserId
            || !await scope.CanSeeAsync(user, endUserId, ct))
            return Problem.NotFound("tag");
        var decision = await writer.ChangeAsync(org, endUserId,
            consumer => TagConsumer.Remove(consumer, tagId, user.ActorOf(), clock.GetUtcNow()), ct);
        return decision.Refusal is { } refusal ? Problem.Refused(refusal) : Results.NoContent();
    }
}
