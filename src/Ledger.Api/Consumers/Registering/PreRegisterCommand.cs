using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Domain.Consumers;
using Ledger.Domain.Consumers.Registering;

namespace Ledger.Api.Consumers.Registering;

/// <summary>Pre-registering one consumer, as <c>POST /api/end-users/create</c> and the Consumers page's dialog both do it.</summary>
public static class PreRegisterCommand
{
    /// <summary>
    /// The request is valid (<see cref="PreRegisterRequestValidator"/>) and names the caller's
    /// organization. True when the consumer is new; false when an existing one had its caps updated.
    /// </summary>
    public static async Task<bool> RunAsync(PreRegisterRequest request, ClaimsPrincipal user, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var (org, endUserId) = (user.OrganizationOf(), request.EndUserId!);
        var decision = await writer.ChangeAsync(org, endUserId, consumer => RegisterConsumer.Decide(
            consumer, org, endUserId, RegistrationSource.PreRegistration, request.Caps, user.ActorOf(), clock.GetUtcNow()), ct);
        return decision.Events.OfType<ConsumerRegistered>().Any();
    }
}
