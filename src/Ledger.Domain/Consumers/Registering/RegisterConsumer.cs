using Ledger.Domain.Decisions;

namespace Ledger.Domain.Consumers.Registering;

/// <summary>The caps pre-registration and bulk import set; the other override fields are left as they are.</summary>
public sealed record RegistrationCaps(decimal? MaxBudget, long? RpmLimit, long? TpmLimit, string? Notes);

/// <summary>
/// Pre-registering a consumer, one at a time or from a bulk import: registers it when it is new
/// (or retired) and sets its caps; for a consumer that exists it only updates the caps.
/// </summary>
public static class RegisterConsumer
{
    public static Decision Decide(
        Consumer? consumer, Guid organizationId, string endUserId, RegistrationSource source, RegistrationCaps caps,
        string actor, DateTimeOffset now)
    {
        var events = new List<object>(2);
        var before = ConsumerLimits.None;
        if (Consumer.IsActive(consumer)) before = consumer!.Limits;
        else events.Add(new ConsumerRegistered(organizationId, endUserId, source, actor, now));

        var after = before with { MaxBudget = caps.MaxBudget, RpmLimit = caps.RpmLimit, TpmLimit = caps.TpmLimit, Notes = caps.Notes };
        if (after != before) events.Add(new OverrideChanged(organizationId, endUserId, before, after, actor, now));
        return new Decision(events, null);
    }
}
