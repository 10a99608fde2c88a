using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;

namespace Ledger.Api.Consumers.Overriding;

public static class PutOverrideEndpoint
{
    /// <summary>Replaces the consumer's override; a PUT that changes nothing records nothing.</summary>
    public static void MapPutOverride(this IEndpointRouteBuilder app) =>
        app.MapPut("/api/end-users/overrides", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<OverrideView>()
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        OverrideRequest request, ClaimsPrincipal user, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        return await OverrideCommand.PutAsync(request, user, writer, clock, ct) is { } refusal
            ? Problem.Refused(refusal)
            : Results.Ok(OverrideView.Of(request.EndUserId!, request.Limits));
    }
}
