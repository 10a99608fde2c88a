using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;

namespace Ledger.Api.Consumers.Summarizing;

public static class ConsumerSummaryEndpoint
{
    /// <summary>The current period's top consumer (with two or more active) and spend chart (with three or more), within the caller's scope.</summary>
    public static void MapConsumerSummary(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/consumers/summary", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .Produces<ConsumerSummaryQuery.Summary>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, ConsumerScope scope, ConsumerSummaryQuery query, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        return Results.Ok(await query.RunAsync(user.OrganizationOf(), await scope.DefaultAsync(user, ct), ct));
    }
}
