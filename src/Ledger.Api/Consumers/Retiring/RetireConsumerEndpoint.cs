using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers.Retiring;

namespace Ledger.Api.Consumers.Retiring;

public static class RetireConsumerEndpoint
{
    /// <summary>
    /// Retires a consumer: it leaves the list and loses its override; its history stays. Traffic
    /// or a pre-registration under the same id registers it again.
    /// </summary>
    public static void MapRetireConsumer(this IEndpointRouteBuilder app) =>
        app.MapDelete("/api/end-users", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces(StatusCodes.Status204NoContent);

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "end_user_id")] string? endUserId,
        ClaimsPrincipal user, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        if (!TextRules.IsIdentifier(endUserId)) return Problem.NotFound("consumer");
        var decision = await writer.ChangeAsync(user.OrganizationOf(), endUserId!,
            consumer => RetireConsumer.Decide(consumer, user.ActorOf(), clock.GetUtcNow()), ct);
        return decision.Refusal is { } refusal ? Problem.Refused(refusal) : Results.NoContent();
    }
}
