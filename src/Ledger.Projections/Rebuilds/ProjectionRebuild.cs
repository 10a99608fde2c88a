using System.Diagnostics;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;

namespace Ledger.Projections.Rebuilds;

/// <summary>
/// One async projection rebuilt from the first event on a daemon: Marten stops only that
/// projection's shard, empties its tables, replays the event log up to the newest event and stops.
/// The other shards go on meanwhile. A finished rebuild records that the rows have this build's
/// shape (<see cref="ProjectionShapes"/>).
/// </summary>
public static class ProjectionRebuild
{
    /// <summary>The position the rebuild reached and how long it took.</summary>
    public sealed record Outcome(long Position, TimeSpan Elapsed)
    {
        public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Position / Elapsed.TotalSeconds : 0;
    }

    /// <summary>No rebuild is cut short: a replay of a large event log takes as long as it takes.</summary>
    private static readonly TimeSpan NoTimeout = TimeSpan.FromDays(1);

    /// <summary>
    /// Rebuilds <paramref name="projection"/> on <paramref name="daemon"/>. With <paramref name="resume"/>
    /// (a node's running daemon) the shard is started again afterwards and goes on live; Marten leaves
    /// a rebuilt shard stopped.
    /// </summary>
    public static async Task<Outcome> RunAsync(
        IDocumentStore store, NpgsqlDataSource dataSource, IProjectionDaemon daemon, string projection, bool resume, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await daemon.RebuildProjectionAsync(projection, NoTimeout, ct);
            var elapsed = clock.Elapsed;
            await ProjectionShapes.RecordAsync(dataSource, projection, ct);
            return new Outcome(await AsyncShards.PositionAsync(store, projection, ct), elapsed);
        }
        finally
        {
            // Not while the node shuts down: its daemon is stopping, and the next leader starts the shard.
            if (resume && !ct.IsCancellationRequested) await daemon.StartAgentAsync(AsyncShards.Shard(projection).Identity, CancellationToken.None);
        }
    }
}
