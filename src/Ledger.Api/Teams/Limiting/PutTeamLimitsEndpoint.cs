using System.Security.Claims;
using Ledger.Api.Access;
using Ledger.Api.Admissions;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Decisions;
using Ledger.Domain.Teams.Limiting;

namespace Ledger.Api.Teams.Limiting;

public static class PutTeamLimitsEndpoint
{
    /// <summary>Replaces a team's caps; a PUT that changes nothing records nothing.</summary>
    public static void MapPutTeamLimits(this IEndpointRouteBuilder app) =>
        app.MapPut("/api/teams/{team_id}/limits", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<RateLimitsView>()
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "team_id")] string teamId, RateLimitsRequest request, ClaimsPrincipal user,
        OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (TeamIdProblem(teamId) is { } problem) return Problem.Refused(problem);
        return await RateLimitsPut.HandleAsync(request, user, writer, clock,
            (org, limits, actor, now) => LimitTeam.Decide(org, teamId, limits, actor, now), ct);
    }

    /// <summary>A team is any id the gateway names, within the identifier rules (the route does not pass the validator).</summary>
    public static Refusal? TeamIdProblem(string teamId) => TextRules.IsIdentifier(teamId)
        ? null
        : new(RefusalKind.Invalid, "team_id", "'team_id' must be 1 to 200 characters without control characters.");
}
