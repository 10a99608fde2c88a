using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace Ledger.Projections.Rebuilds;

/// <summary>
/// The async projections and what other processes can see of them: the advisory lock that the node
/// running a projection's shard holds (HotCold: one lock per shard), and the shard's position.
/// </summary>
public static class AsyncShards
{
    public static IReadOnlyList<string> Names(IDocumentStore store) =>
        [.. store.Options.Events.Projections().Where(p => p.Lifecycle == ProjectionLifecycle.Async).Select(p => p.Name).Order(StringComparer.Ordinal)];

    /// <summary>Every async projection here has one shard, <c>All</c>.</summary>
    public static ShardName Shard(string projection) => new(projection, "All", 1);

    /// <summary>The key of the advisory lock that the node running the shard holds, computed as Marten's distributor does.</summary>
    public static long LockKey(IDocumentStore store, string projection) =>
        JasperFx.Events.Daemon.ProjectionLockIds.Compute(store.Options.Events.DatabaseSchemaName, Shard(projection),
            ((StoreOptions)store.Options).Projections.DaemonLockId);

    /// <summary>The PostgreSQL process holding the shard's lock, that is the node running it; null when no node does.</summary>
    public static async Task<int?> HolderAsync(NpgsqlConnection connection, long lockKey, CancellationToken ct)
    {
        // A bigint advisory key shows in pg_locks as its high and low 32 bits.
        await using var command = new NpgsqlCommand(
            """
            select pid from pg_locks
            where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())
                and classid = (($1 >> 32) & 4294967295)::oid and objid = ($1 & 4294967295)::oid and objsubid = 1
            limit 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = lockKey });
        return await command.ExecuteScalarAsync(ct) is int pid ? pid : null;
    }

    /// <summary>The shard's position in the event log (0 while a rebuild has just emptied it).</summary>
    public static async Task<long> PositionAsync(IDocumentStore store, string projection, CancellationToken ct)
    {
        var identity = Shard(projection).Identity;
        return (await store.Advanced.AllProjectionProgress(token: ct)).FirstOrDefault(p => p.ShardName == identity)?.Sequence ?? 0;
    }

    /// <summary>The newest event's sequence number: how far a rebuild started now goes.</summary>
    public static Task<long> NewestAsync(IDocumentStore store, CancellationToken ct) =>
        // The event sequence's last value: not FetchEventStoreStatistics, which counts every event and stream
        // (a scan of mt_events, and ProjectionLag asks every 5 s on every node).
        store.Storage.Database.FetchHighestEventSequenceNumber(ct);
}
