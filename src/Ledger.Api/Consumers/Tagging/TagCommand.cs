using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Domain.Consumers;
using Ledger.Domain.Consumers.Tagging;
using Ledger.Domain.Decisions;

namespace Ledger.Api.Consumers.Tagging;

/// <summary>
/// Adding and removing a tag, as the tag endpoints and the Consumers page both do it: only on a
/// consumer in the caller's scope, through the tag decision, with the caller as the actor.
/// </summary>
public static class TagCommand
{
    /// <summary>The tag (Created when it is new), or why not: Hidden when the consumer or tag is outside the caller's scope.</summary>
    public sealed record Outcome(TagView? Tag, bool Created, bool Hidden, Refusal? Refusal);

    private static readonly Outcome NotVisible = new(null, false, true, null);

    /// <summary>The request is valid (<see cref="AddTagRequestValidator"/>) and names the caller's organization.</summary>
    public static async Task<Outcome> AddAsync(
        AddTagRequest request, ClaimsPrincipal user, ConsumerScope scope, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var (org, endUserId, tag) = (user.OrganizationOf(), request.EndUserId!, request.Tag!);
        if (!await scope.CanSeeAsync(user, endUserId, ct)) return NotVisible;

        ConsumerTag? existing = null;
        var (tagId, now) = (Guid.CreateVersion7(), clock.GetUtcNow());
        var decision = await writer.ChangeAsync(org, endUserId, consumer =>
        {
            existing = consumer?.Tags.FirstOrDefault(t => t.Tag == tag);
            return TagConsumer.Add(consumer, tag, tagId, user.ActorOf(), now);
        }, ct);
        if (decision.Refusal is { } refusal) return new Outcome(null, false, false, refusal);
        return existing is null
            ? new Outcome(new TagView(tagId, endUserId, tag, now), true, false, null)
            : new Outcome(new TagView(existing.Id, endUserId, tag, existing.CreatedAt), false, false, null);
    }

    /// <summary>Removes the tag with that id (an unparsable or unknown id is Hidden, like one outside the scope).</summary>
    public static async Task<Outcome> RemoveAsync(
        string? id, ClaimsPrincipal user, ConsumerScope scope, TagListQuery tags, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var org = user.OrganizationOf();
        if (!Guid.TryParse(id, out var tagId) || await tags.OwnerAsync(org, tagId, ct) is not { } endUserId
            || !await scope.CanSeeAsync(user, endUserId, ct))
            return NotVisible;
        var decision = await writer.ChangeAsync(org, endUserId,
            consumer => TagConsumer.Remove(consumer, tagId, user.ActorOf(), clock.GetUtcNow()), ct);
        return new Outcome(null, false, false, decision.Refusal);
    }
}
