using System.Security.Claims;
using Ledger.Api.Access;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Domain.Admissions;
using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Api.Admissions;

/// <summary>What the key and team limit endpoints share: the organization check, the decision through the writer, the answer.</summary>
public static class RateLimitsPut
{
    public static async Task<IResult> HandleAsync(
        RateLimitsRequest request, ClaimsPrincipal user, OrganizationWriter writer, TimeProvider clock,
        Func<Organization, RateLimits, string, DateTimeOffset, Decision> decide, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var decision = await DecideAsync(request.Limits, user, writer, clock, decide, ct);
        return decision.Refusal is { } refusal ? Problem.Refused(refusal) : Results.Ok(RateLimitsView.Of(request.Limits));
    }

    /// <summary>The caps' decision as the caller, for these endpoints and the keys page.</summary>
    public static Task<Decision> DecideAsync(
        RateLimits limits, ClaimsPrincipal user, OrganizationWriter writer, TimeProvider clock,
        Func<Organization, RateLimits, string, DateTimeOffset, Decision> decide, CancellationToken ct) =>
        writer.ChangeAsync(user.OrganizationOf(), org => decide(org, limits, user.ActorOf(), clock.GetUtcNow()), ct);
}
