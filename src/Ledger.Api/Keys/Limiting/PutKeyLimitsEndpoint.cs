using System.Security.Claims;
using Ledger.Api.Access;
using Ledger.Api.Admissions;
using Ledger.Api.Auth;
using Ledger.Api.Validation;
using Ledger.Domain.Keys.Limiting;

namespace Ledger.Api.Keys.Limiting;

public static class PutKeyLimitsEndpoint
{
    /// <summary>Replaces a registered key's caps; a PUT that changes nothing records nothing.</summary>
    public static void MapPutKeyLimits(this IEndpointRouteBuilder app) =>
        app.MapPut("/api/keys/{key_id}/limits", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<RateLimitsView>()
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "key_id")] string keyId, RateLimitsRequest request, ClaimsPrincipal user,
        OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
        => await RateLimitsPut.HandleAsync(request, user, writer, clock,
            (org, limits, actor, now) => LimitKey.Decide(org, keyId, limits, actor, now), ct);
}
