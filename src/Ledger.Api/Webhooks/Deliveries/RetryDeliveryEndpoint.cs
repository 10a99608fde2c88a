using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Webhooks.Delivering;
using Wolverine;

namespace Ledger.Api.Webhooks.Deliveries;

public static class RetryDeliveryEndpoint
{
    /// <summary>202: the delivery goes out again (same webhook-id), with a fresh back-off schedule.</summary>
    public static void MapRetryDelivery(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/{id}/deliveries/{deliveryId}/retry", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces(StatusCodes.Status202Accepted);

    private static async Task<IResult> HandleAsync(
        string id, string deliveryId, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, WebhookWriter writer, IMessageBus bus, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        if (!Guid.TryParse(id, out var webhookId) || !Guid.TryParse(deliveryId, out var delivery)
            || !await writer.ReopenAsync(user.OrganizationOf(), webhookId, delivery, ct))
            return Problem.NotFound("delivery");
        await bus.PublishAsync(new DeliverWebhook(delivery));
        return Results.Accepted();
    }
}
