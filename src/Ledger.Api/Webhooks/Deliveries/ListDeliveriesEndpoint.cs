using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.Webhooks.Deliveries;

public static class ListDeliveriesEndpoint
{
    /// <summary>The webhook's latest deliveries: event, attempts, last status and error, when delivered, whether dead-lettered.</summary>
    public static void MapListDeliveries(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/webhooks/{id}/deliveries", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces<IReadOnlyList<DeliveryView>>();

    private static async Task<IResult> HandleAsync(
        string id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, WebhookQuery query, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        return Guid.TryParse(id, out var webhookId) && await query.DeliveriesAsync(user.OrganizationOf(), webhookId, ct) is { } deliveries
            ? Results.Ok(deliveries)
            : Problem.NotFound("webhook");
    }
}
