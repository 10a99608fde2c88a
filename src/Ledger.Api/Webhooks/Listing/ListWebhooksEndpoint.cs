using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.Webhooks.Listing;

public static class ListWebhooksEndpoint
{
    /// <summary>The organization's webhooks, without their secrets.</summary>
    public static void MapListWebhooks(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/webhooks", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces<IReadOnlyList<WebhookView>>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, WebhookQuery query, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        return Results.Ok(await query.ListAsync(user.OrganizationOf(), ct));
    }
}
