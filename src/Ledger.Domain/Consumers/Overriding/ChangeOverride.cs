using Ledger.Domain.Decisions;

namespace Ledger.Domain.Consumers.Overriding;

/// <summary>Replacing a consumer's override. A change that changes nothing records nothing.</summary>
public static class ChangeOverride
{
    public static Decision Decide(Consumer? consumer, ConsumerLimits limits, string actor, DateTimeOffset now)
    {
        if (!Consumer.IsActive(consumer))
            return Decision.Refuse(RefusalKind.NotFound, "end_user_id",
                "No consumer with that end_user_id in this organization; pre-register it with POST /api/end-users/create.");
        return consumer!.Limits == limits
            ? Decision.Nothing
            : Decision.Of(new OverrideChanged(consumer.OrganizationId, consumer.EndUserId, consumer.Limits, limits, actor, now));
    }
}
