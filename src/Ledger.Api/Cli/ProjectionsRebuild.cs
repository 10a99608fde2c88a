using System.Diagnostics;
using Ledger.Projections.Rebuilds;
using Marten;
using Npgsql;

namespace Ledger.Api.Cli;

/// <summary>
/// <c>ledger projections rebuild NAME|--all</c>: rebuilds async projections from the first event,
/// one at a time, with a progress bar and the final rate. When an API node runs the projection's
/// shard (it holds the shard's advisory lock) the node does the rebuild on its own daemon
/// (<c>RebuildRequests</c>), so the live shard is never raced and the other projections and the API
/// go on; this command asks for it and follows it. When no node runs it, this process takes the
/// shard's lock itself, so no node starts the shard meanwhile, and rebuilds here without a daemon
/// (<see cref="OfflineReplay"/>).
/// </summary>
public static class ProjectionsRebuild
{
    /// <summary>How long a request may wait for the node holding the shard before it is given up.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a started rebuild may go on with no process holding the shard's lock before the node is taken for gone.</summary>
    private static readonly TimeSpan NodeGoneAfter = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    public static async Task<ProjectionRebuild.Outcome> RebuildAsync(
        IDocumentStore store, NpgsqlDataSource dataSource, string projection, ProgressBar progress, TextWriter output, CancellationToken ct)
    {
        var key = AsyncShards.LockKey(store, projection);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await AsyncShards.HolderAsync(connection, key, ct) is null && await TryLockAsync(connection, key, ct))
        {
            output.WriteLine($"{projection}: no API node runs it; rebuilding in this process");
            try
            {
                var target = await AsyncShards.NewestAsync(store, ct);
                var clock = Stopwatch.StartNew();
                var outcome = await OfflineReplay.RunAsync(store, dataSource, projection,
                    position => progress.Report(position, target, clock.Elapsed), ct);
                await ProjectionShapes.RecordAsync(dataSource, projection, ct);
                progress.Report(outcome.Position, Math.Max(target, outcome.Position), outcome.Elapsed);
                progress.Done();
                return outcome;
            }
            finally
            {
                await using var unlock = new NpgsqlCommand("select pg_advisory_unlock($1)", connection);
                unlock.Parameters.Add(new NpgsqlParameter { Value = key });
                await unlock.ExecuteScalarAsync(CancellationToken.None);
            }
        }

        var id = await RequestAsync(dataSource, projection, ct);
        output.WriteLine($"{projection}: an API node runs it; asked that node to rebuild it (request {id})");
        var asked = Stopwatch.StartNew();
        Stopwatch? unheld = null;
        while (true)
        {
            await Task.Delay(Tick, ct);
            var request = await ReadAsync(dataSource, id, ct);
            if (request.StartedAt is null)
            {
                if (asked.Elapsed < ClaimTimeout) continue;
                await CancelAsync(dataSource, id, ct);
                if (await AsyncShards.HolderAsync(connection, key, ct) is null)
                    return await RebuildAsync(store, dataSource, projection, progress, output, ct); // the node went away meanwhile
                throw new InvalidOperationException(
                    $"the node running {projection} did not take the rebuild within {ClaimTimeout.TotalSeconds:F0} s; " +
                    "is it a Ledger version without rebuild requests? The request was withdrawn.");
            }
            var elapsed = (request.FinishedAt ?? DateTimeOffset.UtcNow) - request.StartedAt.Value;
            if (request.FinishedAt is null)
            {
                progress.Report(await AsyncShards.PositionAsync(store, projection, ct), request.Target ?? 0, elapsed);
                // A node that died mid-rebuild never finishes the row. Its work is not lost: the rebuild wrote its
                // position with every page, and the node that takes the shard over goes on from there.
                unheld = await AsyncShards.HolderAsync(connection, key, ct) is null ? unheld ?? Stopwatch.StartNew() : null;
                if (unheld?.Elapsed > NodeGoneAfter)
                {
                    progress.Done();
                    throw new InvalidOperationException(
                        $"node {request.Node} stopped during the rebuild of {projection}; the node that takes the projection over " +
                        "goes on from where the rebuild got to. Run the rebuild again for a fresh start.");
                }
                continue;
            }
            if (request.Error is not null)
            {
                progress.Done();
                throw new InvalidOperationException($"node {request.Node} could not rebuild {projection}: {request.Error}");
            }
            var position = request.Position ?? 0;
            progress.Report(position, Math.Max(position, request.Target ?? 0), elapsed);
            progress.Done();
            return new ProjectionRebuild.Outcome(position, elapsed);
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, long key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<long> RequestAsync(NpgsqlDataSource dataSource, string projection, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"insert into {RebuildRequestsTable.Name} (projection) values ($1) returning id");
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task CancelAsync(NpgsqlDataSource dataSource, long id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"delete from {RebuildRequestsTable.Name} where id = $1 and started_at is null");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record Request(DateTimeOffset? StartedAt, string? Node, long? Target, DateTimeOffset? FinishedAt, long? Position, string? Error);

    private static async Task<Request> ReadAsync(NpgsqlDataSource dataSource, long id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select started_at, node, target, finished_at, position, error from {RebuildRequestsTable.Name} where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"rebuild request {id} was removed");
        T? Get<T>(int i) => reader.IsDBNull(i) ? default : reader.GetFieldValue<T>(i);
        return new Request(Get<DateTimeOffset?>(0), Get<string>(1), Get<long?>(2), Get<DateTimeOffset?>(3), Get<long?>(4), Get<string>(5));
    }
}
