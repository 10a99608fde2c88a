using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Domain.Consumers;
using Ledger.Domain.Usage;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.ConsumerRanking;

/// <summary>
/// Async projection keeping the consumer list's orders (<see cref="ConsumerRankingTable"/>): after a
/// page of events, each organization the page names has its orders computed again from its consumer
/// rows as they are then. A copy, not a fold, so a replay or a rebuild writes the same rows and
/// needs no teardown; and since every change to a consumer comes with an event this projection reads
/// after it, the orders always catch up with the latest figures.
/// <para>
/// Computing an organization's orders costs the same however few of its consumers changed, so while
/// the projection keeps up with live events it computes them at most every <see cref="MinimumInterval"/>,
/// or four times as long as the last computation took, leaving the rest of the time to the write
/// path; the events that arrive meanwhile join the next page. The clock decides only when rows are
/// written, never what they hold. Pages of old events (a rebuild, a catch-up) are never held back.
/// </para>
/// </summary>
public sealed class ConsumerRankingProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "consumer_ranking";
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A page whose newest event is older than this is catching up. Generous, since an event's timestamp is its transaction's start.</summary>
    private static readonly TimeSpan CatchingUp = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _clock;
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public ConsumerRankingProjection(TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        Name = ProjectionName;
        IncludeType<UsageSettled>();
        IncludeType<ConsumerRegistered>();
        IncludeType<ConsumerRetired>();
    }

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var organizations = Named(events).Distinct().ToList();
        if (organizations.Count == 0) return;
        var now = _clock.GetUtcNow();
        var live = now - events[^1].Timestamp < CatchingUp;
        if (live && _next > now) await Task.Delay(_next - now, _clock, cancellation);

        var started = _clock.GetTimestamp();
        await ConsumerRankingTable.RefreshAsync(operations, organizations, cancellation);
        var took = _clock.GetElapsedTime(started);
        _next = _clock.GetUtcNow() + (4 * took > MinimumInterval ? 4 * took : MinimumInterval);
    }

    private static IEnumerable<Guid> Named(IReadOnlyList<IEvent> events)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case UsageSettled { EndUserId: not null } u: yield return u.OrganizationId; break;
                case ConsumerRegistered r: yield return r.OrganizationId; break;
                case ConsumerRetired r: yield return r.OrganizationId; break;
            }
        }
    }
}
