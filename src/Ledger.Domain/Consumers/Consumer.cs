using System.Collections.Immutable;

namespace Ledger.Domain.Consumers;

public sealed record ConsumerTag(Guid Id, string Tag, DateTimeOffset CreatedAt);

/// <summary>
/// The consumer aggregate, folded from its stream (registration, overrides, tags, retirement;
/// never its traffic) and kept as an inline snapshot, so a decision loads it by id.
/// </summary>
public sealed record Consumer(
    string Id, Guid OrganizationId, string EndUserId, bool Retired, ConsumerLimits Limits, ImmutableList<ConsumerTag> Tags)
{
    public static Consumer Create(ConsumerRegistered e) =>
        new(ConsumerStream.Key(e.OrganizationId, e.EndUserId), e.OrganizationId, e.EndUserId, false, ConsumerLimits.None, []);

    public Consumer Apply(ConsumerRegistered e) => this with { Retired = false };

    public Consumer Apply(OverrideChanged e) => this with { Limits = e.After };

    public Consumer Apply(TagAdded e) => this with { Tags = Tags.Add(new ConsumerTag(e.TagId, e.Tag, e.AddedAt)) };

    public Consumer Apply(TagRemoved e) => this with { Tags = Tags.RemoveAll(t => t.Id == e.TagId) };

    public Consumer Apply(ConsumerRetired e) => this with { Retired = true, Limits = ConsumerLimits.None };

    /// <summary>Whether commands may address it: registered and not retired.</summary>
    public static bool IsActive(Consumer? consumer) => consumer is { Retired: false };
}
