using Ledger.Domain.Decisions;

namespace Ledger.Domain.Consumers.Registering;

/// <summary>The fields of an override that pre-registration can set.</summary>
[Flags]
public enum CapFields
{
    MaxBudget = 1,
    RpmLimit = 2,
    TpmLimit = 4,
    Notes = 8,
    All = MaxBudget | RpmLimit | TpmLimit | Notes,
}

/// <summary>
/// The caps pre-registration and bulk import set (a null is no cap). Only the fields in
/// <see cref="Given"/> are set: an import without a notes column leaves notes alone. The other
/// override fields (period budget, markup) are always left as they are.
/// </summary>
public sealed record RegistrationCaps(decimal? MaxBudget, long? RpmLimit, long? TpmLimit, string? Notes, CapFields Given = CapFields.All);

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

        var after = before with
        {
            MaxBudget = caps.Given.HasFlag(CapFields.MaxBudget) ? caps.MaxBudget : before.MaxBudget,
            RpmLimit = caps.Given.HasFlag(CapFields.RpmLimit) ? caps.RpmLimit : before.RpmLimit,
            TpmLimit = caps.Given.HasFlag(CapFields.TpmLimit) ? caps.TpmLimit : before.TpmLimit,
            Notes = caps.Given.HasFlag(CapFields.Notes) ? caps.Notes : before.Notes,
        };
        if (after != before) events.Add(new OverrideChanged(organizationId, endUserId, before, after, actor, now));
        return new Decision(events, null);
    }
}
