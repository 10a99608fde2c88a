using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers;
using Ledger.Domain.Consumers.Registering;

namespace Ledger.Api.Consumers.Registering;

public static class PreRegisterEndpoint
{
    public sealed record Response(string EndUserId, bool Registered, decimal? MaxBudget, long? RpmLimit, long? TpmLimit, string? Notes);

    /// <summary>201 when the consumer is new (listed at once with zero usage), 200 when an existing one was updated.</summary>
    public static void MapPreRegister(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/end-users/create", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        PreRegisterRequest request, ClaimsPrincipal user, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var (org, endUserId) = (user.OrganizationOf(), request.EndUserId!);
        var decision = await writer.ChangeAsync(org, endUserId, consumer => RegisterConsumer.Decide(
            consumer, org, endUserId, RegistrationSource.PreRegistration, request.Caps, user.ActorOf(), clock.GetUtcNow()), ct);
        var registered = decision.Events.OfType<ConsumerRegistered>().Any();
        var response = new Response(endUserId, registered, request.MaxBudget, request.RpmLimit, request.TpmLimit, request.Notes);
        return Results.Json(response, statusCode: registered ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }
}
