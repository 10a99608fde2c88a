using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Domain.Consumers;
using Ledger.Domain.Usage;
using Ledger.Projections.Failures;
using Ledger.Projections.OrganizationUsage;
using Ledger.Projections.Storage;
using Marten;
using Marten.Events;
using Marten.Events.Projections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ledger.Projections.ConsumerRanking;

/// <summary>
/// Async projection keeping the consumer list's orders (<see cref="ConsumerRankingTable"/>): the
/// organizations its events name have their orders computed again from their consumer rows as they
/// are then. A copy, not a fold, so a replay or a rebuild writes the same rows and needs no
/// teardown; and since every change to a consumer comes with an event this projection reads after
/// it, the orders always catch up with the latest figures.
/// <para>
/// Computing an organization's orders costs the same however few of its consumers changed, so
/// while the projection keeps up with live events it computes them at most every
/// <see cref="MinimumInterval"/>, or four times as long as the last computation took, but at least
/// every <see cref="MaximumInterval"/>, so one slow computation does not hold the next back. A page that
/// comes sooner is left for a later one when more events of its types are already stored (the
/// daemon hands them over in pages as small as one post); the page that reaches the newest waits
/// for its turn. The clock decides only when rows are written, never what they hold. Pages of old
/// events (a rebuild, a catch-up) are never held back.
/// </para>
/// </summary>
public sealed class ConsumerRankingProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "consumer_ranking";
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(300);

    /// <summary>However long the last computation took (a large organization, a busy machine), the next is due within this.</summary>
    public static readonly TimeSpan MaximumInterval = TimeSpan.FromMilliseconds(600);

    /// <summary>A page whose newest event is older than this is catching up. Generous, since an event's timestamp is its transaction's start.</summary>
    private static readonly TimeSpan CatchingUp = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _clock;
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    /// <summary>Named by pages left for a later one. Held in memory only, so a new instance starts by computing every organization's orders.</summary>
    private HashSet<Guid>? _deferred;

    /// <summary>Computed by the last page, up to which event: if that page comes again (its commit failed), they are owed again.</summary>
    private (HashSet<Guid> Organizations, long Through) _written = ([], -1);

    /// <summary>The stored names of this projection's event types, looked up once.</summary>
    private string[]? _typeNames;

    private readonly ILogger _logger;

    public ConsumerRankingProjection(TimeProvider? clock = null, ILogger? logger = null)
    {
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Name = ProjectionName;
        IncludeType<UsageSettled>();
        IncludeType<ConsumerRegistered>();
        IncludeType<ConsumerRetired>();
    }

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        _deferred ??= await OwedAtStartAsync(operations, cancellation);
        if (events.Count == 0) return;
        if (events[0].Sequence <= _written.Through) _deferred.UnionWith(_written.Organizations);
        _deferred.UnionWith(Named(events));
        _written = ([], events[^1].Sequence);
        if (_deferred.Count == 0)
        {
            ConsumerRankingTable.QueuePosition(operations, events[^1].Sequence);
            return;
        }

        var now = _clock.GetUtcNow();
        var live = now - events[^1].Timestamp < CatchingUp;
        if (live && _next > now)
        {
            if (await MoreStoredAsync(operations, events[^1].Sequence, cancellation)) return;
            await Task.Delay(_next - now, _clock, cancellation);
        }

        // The consumer rows read next reflect every event up to the high-water mark read first (each
        // event was committed with its consumer's row), including events this page has not reached.
        var through = Math.Max(events[^1].Sequence, await HighWaterMarkAsync(operations, cancellation));
        var started = _clock.GetTimestamp();
        var failed = await ConsumerRankingTable.RefreshAsync(operations, _deferred, cancellation);
        foreach (var (organization, error) in failed)
        {
            _logger.LogError(error, "{Projection} skipped organization {OrganizationId}: its consumer rows could not be ordered", ProjectionName, organization);
            ProjectionFailuresTable.QueueFailed(operations, ProjectionName, organization, error);
        }
        ProjectionFailuresTable.QueueRecovered(operations, ProjectionName, [.. _deferred.Where(o => !failed.ContainsKey(o))]);
        ConsumerRankingTable.QueuePosition(operations, through);
        var took = _clock.GetElapsedTime(started);
        _next = _clock.GetUtcNow() + TimeSpan.FromTicks(Math.Clamp(4 * took.Ticks, MinimumInterval.Ticks, MaximumInterval.Ticks));
        _written = (_deferred, events[^1].Sequence);
        _deferred = [];
    }

    /// <summary>The daemon's high-water mark: every event up to it is committed.</summary>
    private static async Task<long> HighWaterMarkAsync(IDocumentOperations operations, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select last_seq_id from {LedgerSchema.Name}.mt_event_progression where name = 'HighWaterMark'");
        await using var reader = await operations.ExecuteReaderAsync(command, ct);
        return await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0;
    }

    /// <summary>
    /// Whether events of this projection's types are stored after <paramref name="sequence"/>, so a later page will come.
    /// Ordered and limited so that the plan walks the sequence index from <paramref name="sequence"/>: as
    /// <c>exists (...)</c>, the prepared statement's generic plan scanned the whole event table (1 s at 1.6
    /// million events, on every early page).
    /// </summary>
    private async Task<bool> MoreStoredAsync(IDocumentOperations operations, long sequence, CancellationToken ct)
    {
        var graph = (EventGraph)((StoreOptions)operations.DocumentStore.Options).Events;
        _typeNames ??= [.. IncludedEventTypes.Select(t => graph.EventMappingFor(t).EventTypeName)];
        await using var command = new NpgsqlCommand(
            $"select seq_id from {LedgerSchema.Name}.mt_events where seq_id > $1 and type = any($2) order by seq_id limit 1")
        {
            Parameters = { new NpgsqlParameter { Value = sequence }, new NpgsqlParameter { Value = _typeNames } },
        };
        await using var reader = await operations.ExecuteReaderAsync(command, ct);
        return await reader.ReadAsync(ct);
    }

    /// <summary>
    /// Every organization with listed consumers or stored orders: a computation is owed to them when
    /// this instance starts, since an instance before it may have left some for a page it never saw.
    /// </summary>
    private static async Task<HashSet<Guid>> OwedAtStartAsync(IDocumentOperations operations, CancellationToken ct)
    {
        var ranked = new HashSet<Guid>();
        await using var command = new NpgsqlCommand(
            $"""
            select organization_id from {OrganizationUsageTable.Name} where active_consumers > 0
            union select organization_id from {ConsumerRankingTable.Name} where chunk = 0
            """);
        await using var reader = await operations.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct)) ranked.Add(reader.GetGuid(0));
        return ranked;
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
