using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.Webhooks.Deleting;

public static class DeleteWebhookEndpoint
{
    /// <summary>204; the webhook gets nothing more, not even retries of deliveries already under way.</summary>
    public static void MapDeleteWebhook(this IEndpointRouteBuilder app) =>
        app.MapDelete("/api/webhooks/{id}", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces(StatusCodes.Status204NoContent);

    private static async Task<IResult> HandleAsync(
        string id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, WebhookWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        return Guid.TryParse(id, out var webhookId) && await writer.DeleteAsync(user.OrganizationOf(), webhookId, clock.GetUtcNow(), ct)
            ? Results.NoContent()
            : Problem.NotFound("webhook");
    }
}
