using Ledger.Projections.Failures;
using Ledger.Projections.OrganizationUsage;
using Ledger.Projections.Storage;
using Marten;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ledger.Projections.ConsumerRanking;

/// <summary>
/// Keeps the consumer list's orders (<see cref="ConsumerRankingTable"/>): computes again those of
/// each organization whose <c>consumer_changes</c> moved since they were computed. The orders are a
/// copy of the consumer rows, not a fold of events, so they are kept from those rows and the
/// organization's usage row (both inline, written in the transaction of every change) rather than
/// by reading every usage event again; a node that runs the async projections does it every
/// <see cref="MinimumInterval"/> or so. One node at a time: the others skip their turn.
/// </summary>
public static class ConsumerRankingRefresh
{
    /// <summary>Its name where its skipped organizations are recorded, and for <c>ledger projections rebuild</c>.</summary>
    public const string Name = "consumer_ranking";

    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(300);

    /// <summary>However long the last computation took (a large organization, a busy machine), the next is due within this.</summary>
    public static readonly TimeSpan MaximumInterval = TimeSpan.FromMilliseconds(600);

    /// <summary>Computing an organization's orders costs the same however few consumers changed: wait four times as long as it took.</summary>
    public static TimeSpan Pause(TimeSpan took) => TimeSpan.FromTicks(Math.Clamp(4 * took.Ticks, MinimumInterval.Ticks, MaximumInterval.Ticks));

    /// <summary>
    /// Computes the orders of every organization due (of every organization, for <paramref name="all"/>:
    /// <c>ledger projections rebuild consumer_ranking</c>), in one transaction; how many there were,
    /// or null when another node is computing them and <paramref name="wait"/> is false. An
    /// organization whose rows cannot be ordered is skipped, logged and recorded until its next change.
    /// </summary>
    public static async Task<int?> RunAsync(IDocumentStore store, bool wait, bool all, ILogger logger, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        if (!await TurnLock.TakeAsync(session, ConsumerRankingTable.Name, wait, ct)) return null;
        // Read before the consumer rows: they reflect at least these changes, so none is recorded as ordered too soon.
        var due = await DueAsync(session, all, ct);
        if (due.Count == 0) return 0;
        var failed = await ConsumerRankingTable.RefreshAsync(session, due.Keys, ct);
        foreach (var (organization, error) in failed)
        {
            logger.LogError(error, "{Work} skipped organization {OrganizationId}: its consumer rows could not be ordered", Name, organization);
            ProjectionFailuresTable.QueueFailed(session, Name, organization, error);
        }
        ProjectionFailuresTable.QueueRecovered(session, Name, [.. due.Keys.Where(o => !failed.ContainsKey(o))]);
        session.QueueSqlCommand(
            $"""
            insert into {ConsumerRankingTable.Progress} as p (organization_id, consumer_changes)
            select * from unnest(?::uuid[], ?::bigint[])
            on conflict (organization_id) do update set consumer_changes = excluded.consumer_changes
            """, due.Keys.ToArray(), due.Values.ToArray());
        await session.SaveChangesAsync(ct);
        return due.Count;
    }

    /// <summary>How many organizations' orders are due: how far behind a reader of the whole list is.</summary>
    public static async Task<long> DueCountAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select count(*) from ({Due}) due");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private const string Every = $"select u.organization_id, u.consumer_changes from {OrganizationUsageTable.Name} u";

    private const string Due =
        $"""
        {Every} left join {ConsumerRankingTable.Progress} p using (organization_id)
        where p.consumer_changes is distinct from u.consumer_changes
        """;

    private static async Task<SortedDictionary<Guid, long>> DueAsync(IDocumentSession session, bool all, CancellationToken ct)
    {
        var due = new SortedDictionary<Guid, long>();
        await using var command = new NpgsqlCommand(all ? Every : Due);
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct)) due[reader.GetGuid(0)] = reader.GetInt64(1);
        return due;
    }
}
