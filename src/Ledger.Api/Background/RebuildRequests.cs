using JasperFx.Events.Daemon;
using Ledger.Api.Storage;
using Ledger.Projections.Rebuilds;
using Marten;
using Npgsql;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace Ledger.Api.Background;

/// <summary>
/// Carries out <c>ledger projections rebuild</c> for the shards this node runs. Only the node that
/// runs a shard may rebuild it (a rebuild elsewhere would race the live shard), so the command
/// leaves a row in <see cref="RebuildRequestsTable"/> and this node, polling every second, claims
/// it, rebuilds on its own daemon (the other shards and the API go on), starts the shard again and
/// writes down the position reached or the error. At start it also asks for the rebuilds a new
/// release needs (<see cref="ProjectionShapes"/>). Every host that runs the daemon has it
/// (<see cref="StoreSetup.AddLedgerStore"/>), so every such host records the shapes its projections write.
/// </summary>
public sealed partial class RebuildRequests(
    IServiceProvider services, IDocumentStore store, NpgsqlDataSource dataSource, ILogger<RebuildRequests> logger) : BackgroundService
{
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Asks for the rebuilds a new release needs before the host has started, so before any usage
    /// can reach the daemon: a projection that has processed nothing yet gets this build's shape.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IProjectionCoordinator>() is not null)
        {
            try
            {
                foreach (var projection in await ProjectionShapes.RequestRebuildsAsync(store, dataSource, cancellationToken))
                    LogShapeChanged(logger, projection, ProjectionShapes.Current(projection));
            }
            catch (Exception e) when (e is NpgsqlException or PostgresException)
            {
                LogPollFailed(logger, e);
            }
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Without the async daemon (Ledger:AsyncProjections = Disabled) this node runs no shard.
        if (services.GetService<IProjectionCoordinator>() is not { } coordinator) return;
        using var timer = new PeriodicTimer(Poll);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunPendingAsync(coordinator.DaemonForMainDatabase(), stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or PostgresException)
            {
                LogPollFailed(logger, e);
            }
        }
    }

    private async Task RunPendingAsync(IProjectionDaemon daemon, CancellationToken ct)
    {
        var pending = new List<(long Id, string Projection)>();
        // A request nobody took while its command waited is withdrawn by the command; one left behind by a
        // command that died is never taken later, when nobody is watching.
        await using (var command = dataSource.CreateCommand(
            $"select id, projection from {RebuildRequestsTable.Name} where {RebuildRequestsTable.Waiting} order by id"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) pending.Add((reader.GetInt64(0), reader.GetString(1)));

        foreach (var (id, projection) in pending)
        {
            // This node has the shard's agent (running, or stopped by an earlier failure) only while it holds the shard's lock.
            var shard = AsyncShards.Shard(projection).Identity;
            if (!daemon.CurrentAgents().Any(a => a.Name.Identity == shard)) continue;
            if (!await ClaimAsync(id, await AsyncShards.NewestAsync(store, ct), ct)) continue;
            LogStarted(logger, projection, id);
            try
            {
                var outcome = await ProjectionRebuild.RunAsync(store, dataSource, daemon, projection, resume: true, ct);
                await FinishAsync(id, outcome.Position, null, CancellationToken.None);
                LogFinished(logger, projection, outcome.Position, outcome.Elapsed.TotalSeconds, outcome.EventsPerSecond);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await FinishAsync(id, null, e.Message, CancellationToken.None);
                LogFailed(logger, e, projection);
            }
        }
    }

    private async Task<bool> ClaimAsync(long id, long target, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"update {RebuildRequestsTable.Name} set started_at = now(), node = $2, target = $3 where id = $1 and started_at is null");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = _node });
        command.Parameters.Add(new NpgsqlParameter { Value = target });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task FinishAsync(long id, long? position, string? error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"update {RebuildRequestsTable.Name} set finished_at = now(), position = $2, error = $3 where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = position });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = error });
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilding projection {Projection} (request {Id})")]
    private static partial void LogStarted(ILogger logger, string projection, long id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt projection {Projection} up to event {Position} in {Seconds:F1} s ({Rate:F0} events/s); it runs live again")]
    private static partial void LogFinished(ILogger logger, string projection, long position, double seconds, double rate);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuilding projection {Projection} failed; its shard was started again")]
    private static partial void LogFailed(ILogger logger, Exception e, string projection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection {Projection}'s stored rows have an older shape than this release writes (now {Version}); asked for a rebuild")]
    private static partial void LogShapeChanged(ILogger logger, string projection, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for projection rebuild requests failed; trying again in a second")]
    private static partial void LogPollFailed(ILogger logger, Exception e);
}
