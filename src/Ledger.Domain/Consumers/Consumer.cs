using System.Collections.Immutable;

namespace Ledger.Domain.Consumers;

public sealed record ConsumerTag(Guid Id, string Tag, DateTimeOffset CreatedAt);

/// <summary>
/// The consumer aggregate, folded from its stream (registration, overrides, tags, retirement;
/// never its traffic) whenever a decision needs it: the stream holds only what administrators and
/// first traffic did, so it is short, and nothing is written per consumer but its events.
/// </summary>
public sealed record Consumer(
    string Id, Guid OrganizationId, string EndUserId, bool Retired, ConsumerLimits Limits, ImmutableList<ConsumerTag> Tags)
{
    private static Consumer Create(ConsumerRegistered e) =>
        new(ConsumerStream.Key(e.OrganizationId, e.EndUserId), e.OrganizationId, e.EndUserId, false, ConsumerLimits.None, []);

    private Consumer Apply(ConsumerRegistered e) => this with { Retired = false };

    private Consumer Apply(OverrideChanged e) => this with { Limits = e.After };

    private Consumer Apply(TagAdded e) => this with { Tags = Tags.Add(new ConsumerTag(e.TagId, e.Tag, e.AddedAt)) };

    private Consumer Apply(TagRemoved e) => this with { Tags = Tags.RemoveAll(t => t.Id == e.TagId) };

    private Consumer Apply(ConsumerRetired e) => this with { Retired = true, Limits = ConsumerLimits.None };

    /// <summary>The consumer as its stream's events in order leave it: null until its registration.</summary>
    public static Consumer? Fold(IEnumerable<object> events) => events.Aggregate((Consumer?)null, (consumer, e) => (consumer, e) switch
    {
        (null, ConsumerRegistered r) => Create(r),
        (null, _) => null,
        (_, ConsumerRegistered r) => consumer.Apply(r),
        (_, OverrideChanged o) => consumer.Apply(o),
        (_, TagAdded t) => consumer.Apply(t),
        (_, TagRemoved t) => consumer.Apply(t),
        (_, ConsumerRetired r) => consumer.Apply(r),
        _ => consumer,
    });

    /// <summary>Whether commands may address it: registered and not retired.</summary>
    public static bool IsActive(Consumer? consumer) => consumer is { Retired: false };
}
