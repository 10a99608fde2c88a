using System.Diagnostics;
using Ledger.Api.Telemetry;
using Ledger.Domain.Usage;
using Ledger.Ingest.Usage.Settling;
using Ledger.Projections.Consumers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger bench ingest</c>: in one run, raw COPY of N event-shaped rows, then Ledger's write
/// path (group commit, Marten append, inline consumer totals) storing N settled usage events
/// over thousands of consumers, posted by concurrent submitters in batches.
/// </summary>
public static class IngestBench
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        // The write path alone, against COPY: no async daemon in this process. What the daemon costs
        // an API node is measured end to end by `bench http` (docs/performance.md).
        using var host = await BenchHost.StartAsync(BenchArgs.Connection, asyncDaemon: false);
        var db = host.Services.GetRequiredService<NpgsqlDataSource>();
        var queue = host.Services.GetRequiredService<UsageIngestQueue>();

        Console.WriteLine($"machine: {BenchArgs.Machine}");
        Console.WriteLine($"metrics: {(TelemetrySetup.MetricsEnabled(host.Services.GetRequiredService<IConfiguration>()) ? "on" : "off")}");
        Console.WriteLine($"events: {args.Events}, consumers: {args.Consumers}, batch: {args.BatchSize}, concurrent posts: {args.Concurrency}");

        // Warm-up outside the measurement, in an organization of its own: JIT tiering, the
        // connection pool, Marten's generated code.
        var warm = Guid.NewGuid();
        await WarmUp.PostsUntilSettledAsync((round, posts) => Drive.ConcurrentlyAsync(
            Enumerable.Range(0, posts).Select(b => UsageGenerator.Batch(
                warm, $"warm{round}", b * args.BatchSize, args.BatchSize, args.Consumers, DateTimeOffset.UtcNow)).ToList(),
            args.Concurrency, post => queue.SubmitAsync(post, default)),
            () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, args, WarmUp.Minimum);
        var grouping = queue.Grouping;
        var org = Guid.NewGuid();

        var copy = await CopyBaseline.RowsPerSecondAsync(db, args.Events);
        Console.WriteLine($"copy baseline: {copy:F0} rows/s");

        // With the gateway's costs, then without (priced in the write path: half the generator's models
        // have a shipped price, half count as unpriced), then with costs again, so drift shows.
        var (costed, a1) = await MeasureAsync(queue, args, org, u => u);
        var (uncosted, a2) = await MeasureAsync(queue, args, org, u => u with { CostUsd = 0m, CostSource = CostSource.Unpriced });
        var (costedAgain, a3) = await MeasureAsync(queue, args, org, u => u);
        Console.WriteLine($"transactions: {queue.Grouping.Transactions - grouping.Transactions} for {queue.Grouping.Items - grouping.Items} posts");

        await VerifyTotalsAsync(db, org, a1 + a2 + a3);
        // The baseline again, so a run shows how far the machine drifted while it ran (the ratio stays the first one's).
        var copyAfter = await CopyBaseline.RowsPerSecondAsync(db, args.Events);
        Console.WriteLine($"copy after the passes: {copyAfter:F0} rows/s (ratio to it: {costed / copyAfter:F2})");
        await host.StopAsync();
        Console.WriteLine($"ingest: {costed:F0} events/s, copy: {copy:F0} rows/s, ratio: {costed / copy:F2}");
        Console.WriteLine($"ingest without costs (priced by Ledger): {uncosted:F0} events/s, {uncosted / costed:F2} x with costs; with costs again: {costedAgain:F0} events/s");
        return 0;
    }

    /// <summary>Ledger's write path storing the generated usage, shaped by <paramref name="shape"/>, from concurrent submitters: events per second, and the events attributed to a consumer.</summary>
    private static async Task<(double Rate, long Attributed)> MeasureAsync(UsageIngestQueue queue, BenchArgs args, Guid org, Func<UsageSettled, UsageSettled> shape)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var posts = Enumerable.Range(0, args.Events / args.BatchSize)
            .Select(b => UsageGenerator.Batch(org, run, b * args.BatchSize, args.BatchSize, args.Consumers, DateTimeOffset.UtcNow).Select(shape).ToList())
            .ToList();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await Drive.ConcurrentlyAsync(posts, args.Concurrency, post => queue.SubmitAsync(post, default));
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"cpu over the run: Ledger {used:P0} of one core ({Environment.ProcessorCount} cores; PostgreSQL has the rest)");
        return (posts.Sum(p => p.Count) / sw.Elapsed.TotalSeconds, posts.Sum(p => p.Count(u => u.EndUserId is not null)));
    }

    /// <summary>The benchmark only counts if the consumer aggregates are consistent with what was stored.</summary>
    private static async Task VerifyTotalsAsync(NpgsqlDataSource db, Guid org, long expectedRequests)
    {
        await using var cmd = db.CreateCommand($"select coalesce(sum(requests), 0)::bigint from {ConsumersTable.Name} where organization_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = org });
        var actual = (long)(await cmd.ExecuteScalarAsync())!;
        if (actual != expectedRequests)
            throw new InvalidOperationException($"consumer totals are inconsistent: {actual} requests, expected {expectedRequests}");
        Console.WriteLine($"consumer totals consistent: {actual} attributed requests");
    }
}
