using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;

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
        var registered = await PreRegisterCommand.RunAsync(request, user, writer, clock, ct);
        var response = new Response(request.EndUserId!, registered, request.MaxBudget, request.RpmLimit, request.TpmLimit, request.Notes);
        return Results.Json(response, statusCode: registered ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }
}
