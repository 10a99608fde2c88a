using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Projections.Storage;
using Marten;
using Marten.Events;
using Npgsql;

namespace Ledger.Projections.Rebuilds;

/// <summary>
/// A rebuild for when no node runs the projection's shard (the caller holds its lock): the same
/// projection code the daemon runs, fed by one ordered scan of the event log in pages of
/// <see cref="PageSize"/> events. The daemon's replay loads, wraps and tracks every event on its
/// own (about 50,000 events/s here with a projection that writes nothing); reading the rows
/// directly costs a fraction of that, and pages this large fold each (consumer, day) row's events
/// into one write instead of one per daemon page. Progress is recorded with every page, in the
/// page's transaction, so an interrupted rebuild is resumed by the daemon from the last page.
/// </summary>
public static class OfflineReplay
{
    public const int PageSize = 200_000;

    public static async Task<ProjectionRebuild.Outcome> RunAsync(
        IDocumentStore store, NpgsqlDataSource dataSource, string projection, Action<long> progress, CancellationToken ct,
        int pageSize = PageSize)
    {
        var clock = Stopwatch.StartNew();
        var options = (StoreOptions)store.Options;
        var source = options.Projections.All.OfType<ProjectionBase>().Single(p => p.Name == projection);
        // A projection registered as an IProjection is wrapped; an EventProjection is its own source.
        var apply = source is ProjectionWrapper<IDocumentOperations, IQuerySession> wrapper
            ? wrapper.Inner
            : (IJasperFxProjection<IDocumentOperations>)source;
        var shard = AsyncShards.Shard(projection).Identity;
        var newest = await AsyncShards.NewestAsync(store, ct);

        await using (var session = store.LightweightSession())
        {
            foreach (var table in LedgerStore.EmptiedOnRebuild(projection)) session.QueueSqlCommand($"delete from {table}");
            SetProgress(session, shard, 0);
            await session.SaveChangesAsync(ct);
        }

        var events = (EventGraph)options.Events;
        var types = source.IncludedEventTypes.Select(t => events.EventMappingFor(t)).ToDictionary(m => m.EventTypeName);
        var serializer = options.Serializer();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var read = new NpgsqlCommand(
            $"""
            select seq_id, id, type, data, timestamp from {LedgerSchema.Name}.mt_events
            where seq_id <= $1 and ($2::text[] is null or type = any($2)) order by seq_id
            """, connection);
        read.Parameters.Add(new NpgsqlParameter { Value = newest });
        read.Parameters.Add(new NpgsqlParameter { Value = types.Count == 0 ? DBNull.Value : types.Keys.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await read.ExecuteReaderAsync(ct);

        var page = new List<IEvent>(pageSize);
        Task written = Task.CompletedTask;
        while (await reader.ReadAsync(ct))
        {
            if (!types.TryGetValue(reader.GetString(2), out var mapping)) continue;
            var e = mapping.Wrap(serializer.FromJson(mapping.DocumentType, reader, 3));
            e.Sequence = reader.GetInt64(0);
            e.Id = reader.GetGuid(1);
            e.Timestamp = reader.GetFieldValue<DateTimeOffset>(4);
            page.Add(e);
            if (page.Count < pageSize) continue;
            // The next page is read while this one is written: the folding here and the writing in PostgreSQL overlap.
            await written;
            written = WriteAsync(store, apply, shard, page, progress, ct);
            page = new List<IEvent>(pageSize);
        }
        await written;
        if (page.Count > 0) await WriteAsync(store, apply, shard, page, progress, ct);
        await using (var session = store.LightweightSession())
        {
            SetProgress(session, shard, newest);
            await session.SaveChangesAsync(ct);
        }
        progress(newest);
        return new ProjectionRebuild.Outcome(newest, clock.Elapsed);
    }

    private static async Task WriteAsync(
        IDocumentStore store, IJasperFxProjection<IDocumentOperations> projection, string shard, List<IEvent> page, Action<long> progress, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await projection.ApplyAsync(session, page, ct);
        SetProgress(session, shard, page[^1].Sequence);
        await session.SaveChangesAsync(ct);
        progress(page[^1].Sequence);
    }

    private static void SetProgress(IDocumentOperations session, string shard, long sequence) => session.QueueSqlCommand(
        $"""
        insert into {LedgerSchema.Name}.mt_event_progression (name, last_seq_id, last_updated) values (?, ?, transaction_timestamp())
        on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated
        """, shard, sequence);
}
