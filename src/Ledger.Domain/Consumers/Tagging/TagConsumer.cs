using Ledger.Domain.Decisions;

namespace Ledger.Domain.Consumers.Tagging;

/// <summary>Tags are free-form labels, unique per consumer: adding one twice leaves one.</summary>
public static class TagConsumer
{
    public const int MaxLength = 60;

    public static Decision Add(Consumer? consumer, string tag, Guid tagId, string actor, DateTimeOffset now)
    {
        if (!Consumer.IsActive(consumer)) return NotFound;
        if (consumer!.Tags.Any(t => t.Tag == tag)) return Decision.Nothing;
        return Decision.Of(new TagAdded(consumer.OrganizationId, consumer.EndUserId, tagId, tag, actor, now));
    }

    public static Decision Remove(Consumer? consumer, Guid tagId, string actor, DateTimeOffset now)
    {
        if (!Consumer.IsActive(consumer) || consumer!.Tags.FirstOrDefault(t => t.Id == tagId) is not { } tag)
            return Decision.Refuse(RefusalKind.NotFound, "id", "No tag with that id in this organization.");
        return Decision.Of(new TagRemoved(consumer.OrganizationId, consumer.EndUserId, tagId, tag.Tag, actor, now));
    }

    private static Decision NotFound => Decision.Refuse(RefusalKind.NotFound, "end_user_id", "No consumer with that end_user_id in this organization.");
}
