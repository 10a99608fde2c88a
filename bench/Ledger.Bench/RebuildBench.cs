using System.Diagnostics;
using Ledger.Api.Cli;
using Ledger.Ingest.Usage.Settling;
using Ledger.Projections.DailyActivity;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger bench rebuild</c>: in a database of its own (made anew each run), seeds N usage events
/// over thousands of consumers and 30 days through the ingest path (not timed), then rebuilds the
/// daily activity projection as <c>ledger projections rebuild daily_activity</c> does with no API
/// node running. The baseline, in the same run: reading every event's body from the event table
/// in order, which any rebuild must do.
/// </summary>
public static class RebuildBench
{
    private const string Database = "ledger_bench_rebuild";

    public static async Task<int> RunAsync(string[] args)
    {
        var events = BenchArgs.Get(args, "--events", 1_000_000);
        var consumers = BenchArgs.Get(args, "--consumers", 10_000);
        const int days = 30;
        Console.WriteLine($"machine: {BenchArgs.Machine}");
        Console.WriteLine($"events: {events:N0} usage events over {consumers:N0} consumers and {days} days, in a new database {Database}");
        var connection = await BenchDatabase.FreshAsync(Database);

        // No node runs the shard: the rebuild runs in this process, as the command does then.
        using var host = await BenchHost.StartAsync(connection, asyncDaemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var db = host.Services.GetRequiredService<NpgsqlDataSource>();

        var seeding = Stopwatch.StartNew();
        var org = Guid.NewGuid();
        var queue = host.Services.GetRequiredService<UsageIngestQueue>();
        var now = DateTimeOffset.UtcNow;
        const int batch = 500;
        var posts = Enumerable.Range(0, events / batch).ToList();
        await Drive.ConcurrentlyAsync(posts, 8, b => queue.SubmitAsync(
            UsageGenerator.Batch(org, "seed", b * batch, batch, consumers, now.AddDays(-(b % days))), default));
        // As a database in service would be: vacuumed and analyzed, not an autovacuum run on fresh tables competing with the rebuild.
        await using (var vacuum = db.CreateCommand("vacuum analyze")) await vacuum.ExecuteNonQueryAsync();
        Console.WriteLine($"seeded and vacuumed in {seeding.Elapsed.TotalSeconds:F0} s (not timed)");

        var read = await ReadEveryEventAsync(db);
        Console.WriteLine($"baseline, every event's body read in order: {read:N0} events/s");

        var progress = new ProgressBar(Console.Out, interactive: false);
        var (selfCpu, machineCpu) = (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, HttpIngestBench.MachineCpu());
        var outcome = await ProjectionsRebuild.RebuildAsync(store, db, DailyActivityProjection.ProjectionName, progress, Console.Out, CancellationToken.None);
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - selfCpu;
        var rest = HttpIngestBench.MachineCpu() - machineCpu - self;
        Console.WriteLine($"cpu per event while rebuilding: Ledger {self / outcome.Position * 1e6:F1} µs, PostgreSQL and the rest {rest / outcome.Position * 1e6:F1} µs");
        Console.WriteLine($"rebuilt up to event {outcome.Position:N0} in {outcome.Elapsed.TotalSeconds:F1} s; ratio to the baseline {outcome.EventsPerSecond / read:F2}");
        await VerifyAsync(db, org, posts.Count * batch - posts.Count * batch / 50);
        await host.StopAsync();
        Console.WriteLine($"rebuild: {outcome.EventsPerSecond:F0} events/s");
        return 0;
    }

    private static async Task<double> ReadEveryEventAsync(NpgsqlDataSource db)
    {
        var clock = Stopwatch.StartNew();
        await using var command = db.CreateCommand("select seq_id, type, data::text from ledger.mt_events order by seq_id");
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0, chars = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            chars += reader.GetString(2).Length;
        }
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The figure only counts if the rebuilt rows hold every attributed request.</summary>
    private static async Task VerifyAsync(NpgsqlDataSource db, Guid org, long expected)
    {
        await using var command = db.CreateCommand($"select coalesce(sum(requests), 0)::bigint from {DailyActivityTables.Days} where organization_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = org });
        var actual = (long)(await command.ExecuteScalarAsync())!;
        if (actual != expected) throw new InvalidOperationException($"the rebuilt daily activity holds {actual} requests, expected {expected}");
        Console.WriteLine($"rebuilt rows consistent: {actual:N0} attributed requests");
    }
}
