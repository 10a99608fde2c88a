using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;

namespace Ledger.Api.Consumers.Activity;

public static class ConsumerActivityEndpoint
{
    public sealed record Response(string EndUserId, IReadOnlyList<ConsumerActivityQuery.DayView> Days);

    /// <summary>
    /// One consumer's daily activity (any member, within the caller's scope): every UTC day of the
    /// range, zero-filled, from the async daily activity read model (seconds behind the writes).
    /// </summary>
    public static void MapConsumerActivity(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/consumers/{end_user_id}/activity", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>()
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "end_user_id")] string endUserId, ActivityRequest request,
        ClaimsPrincipal user, ConsumerScope scope, ConsumerActivityQuery query, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var (first, last) = request.Range(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        return await query.RunAsync(user.OrganizationOf(), endUserId, await scope.DefaultAsync(user, ct), first, last, ct) is { } series
            ? Results.Ok(new Response(endUserId, series.Days))
            : Problem.NotFound("consumer");
    }
}
