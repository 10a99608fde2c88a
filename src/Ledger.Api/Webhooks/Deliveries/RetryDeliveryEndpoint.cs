using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Webhooks.Delivering;
using Marten;
using Wolverine.Marten;

namespace Ledger.Api.Webhooks.Deliveries;

public static class RetryDeliveryEndpoint
{
    /// <summary>
    /// 202: the delivery goes out again (same webhook-id), with a fresh back-off schedule. Reopening it and queueing
    /// the attempt commit together (Wolverine's outbox in the Marten session's transaction), so a crash between
    /// the two cannot leave a delivery reopened with no attempt coming.
    /// </summary>
    public static void MapRetryDelivery(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/{id}/deliveries/{deliveryId}/retry", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces(StatusCodes.Status202Accepted);

    private static async Task<IResult> HandleAsync(
        string id, string deliveryId, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, IDocumentStore store, IMartenOutbox outbox, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        if (!Guid.TryParse(id, out var webhookId) || !Guid.TryParse(deliveryId, out var delivery)) return Problem.NotFound("delivery");
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        await session.BeginTransactionAsync(ct);
        if (!await WebhookWriter.ReopenAsync(session.Connection!, user.OrganizationOf(), webhookId, delivery, ct))
            return Problem.NotFound("delivery");
        await outbox.PublishAsync(new DeliverWebhook(delivery));
        await session.SaveChangesAsync(ct);
        return Results.Accepted();
    }
}
