using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Domain.Consumers.Overriding;
using Ledger.Domain.Decisions;

namespace Ledger.Api.Consumers.Overriding;

/// <summary>Replacing a consumer's override, as <c>PUT /api/end-users/overrides</c> and the Consumers page's limits dialog both do it.</summary>
public static class OverrideCommand
{
    /// <summary>The request is valid (<see cref="OverrideRequestValidator"/>) and names the caller's organization; a PUT that changes nothing records nothing.</summary>
    public static async Task<Refusal?> PutAsync(OverrideRequest request, ClaimsPrincipal user, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var limits = request.Limits;
        var decision = await writer.ChangeAsync(user.OrganizationOf(), request.EndUserId!,
            consumer => ChangeOverride.Decide(consumer, limits, user.ActorOf(), clock.GetUtcNow()), ct);
        return decision.Refusal;
    }
}
