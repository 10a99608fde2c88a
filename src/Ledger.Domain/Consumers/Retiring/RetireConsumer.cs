using Ledger.Domain.Decisions;

namespace Ledger.Domain.Consumers.Retiring;

public static class RetireConsumer
{
    public static Decision Decide(Consumer? consumer, string actor, DateTimeOffset now) =>
        Consumer.IsActive(consumer)
            ? Decision.Of(new ConsumerRetired(consumer!.OrganizationId, consumer.EndUserId, actor, now))
            : Decision.Refuse(RefusalKind.NotFound, "end_user_id", "No consumer with that end_user_id in this organization.");
}
