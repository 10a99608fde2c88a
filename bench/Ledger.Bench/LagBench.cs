using System.Diagnostics;
using Ledger.Ingest.Usage.Settling;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.OrganizationUsage;
using Ledger.Projections.Rebuilds;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger bench lag</c>: runs the write path and the async daemon in this process, as an API node
/// does, on a database of the bench's own (so the daemon starts caught up), feeds it usage at a
/// fixed rate (default 5,000 events/s in posts of 500, through the same group-commit queue the HTTP
/// endpoint uses, so no HTTP client shares the two cores) and samples every async projection's lag
/// five times a second: how long ago the oldest event it has not processed yet was stored. The
/// baseline in the same run is the ingest itself: each post's time to be stored.
/// </summary>
public static class LagBench
{
    private const string Database = "ledger_bench_lag";

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = BenchArgs.Get(args, "--rate", 5_000);
        var seconds = BenchArgs.Get(args, "--seconds", 60);
        var consumers = BenchArgs.Get(args, "--consumers", 10_000);
        const int batch = 500;
        Console.WriteLine($"machine: {BenchArgs.Machine}");
        Console.WriteLine($"ingest: {rate:N0} events/s in posts of {batch} for {seconds} s over {consumers:N0} consumers; async projections sampled every 200 ms");
        var connection = await BenchDatabase.FreshAsync(Database);
        using var host = await BenchHost.StartAsync(connection, asyncDaemon: true);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var db = host.Services.GetRequiredService<NpgsqlDataSource>();
        var queue = host.Services.GetRequiredService<UsageIngestQueue>();
        var org = Guid.NewGuid();
        try
        {
            var projections = AsyncShards.Names(store);
            await DaemonRunningAsync(store, db, projections);

            // Warm-up, untimed: a tenth of the run at the same rate.
            await PostAtRateAsync(queue, org, "warm", rate / batch, Math.Max(2, seconds / 10), batch, consumers);

            var lags = Measured(projections).ToDictionary(p => p, _ => new List<double>());
            using var stop = new CancellationTokenSource();
            var sampling = SampleAsync(db, store, projections, lags, stop.Token);
            var (busy, wall) = (HttpIngestBench.MachineCpu(), Stopwatch.StartNew());
            var posts = await PostAtRateAsync(queue, org, "run", rate / batch, seconds, batch, consumers);
            Console.WriteLine($"cpu over the run: the machine {(HttpIngestBench.MachineCpu() - busy) / wall.Elapsed.TotalSeconds:P0} of one core ({Environment.ProcessorCount} cores)");
            await Task.Delay(TimeSpan.FromSeconds(3)); // the tail: lag after the last post
            await stop.CancelAsync();
            await sampling;

            Array.Sort(posts);
            Console.WriteLine($"baseline, a post stored in: p50 {posts[posts.Length / 2]:F1} ms, p99 {posts[(int)(posts.Length * 0.99)]:F1} ms");
            foreach (var (projection, samples) in lags)
            {
                samples.Sort();
                Console.WriteLine($"{projection}: lag p50 {samples[samples.Count / 2]:F2} s, p99 {samples[(int)(samples.Count * 0.99)]:F2} s, max {samples[^1]:F2} s ({samples.Count} samples)");
            }
            var worst = lags.Values.SelectMany(s => s).ToList();
            worst.Sort();
            Console.WriteLine($"lag: max {worst[^1]:F2} s, p99 {worst[(int)(worst.Count * 0.99)]:F2} s at {rate} events/s");
            return 0;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>Waits until the API node holds every async shard (HotCold leadership is polled).</summary>
    internal static async Task DaemonRunningAsync(IDocumentStore store, NpgsqlDataSource db, IReadOnlyList<string> projections)
    {
        await using var connection = await db.OpenConnectionAsync();
        for (var i = 0; i < 120; i++)
        {
            var held = 0;
            foreach (var p in projections)
                if (await AsyncShards.HolderAsync(connection, AsyncShards.LockKey(store, p), CancellationToken.None) is not null) held++;
            if (held == projections.Count) return;
            await Task.Delay(500);
        }
        throw new TimeoutException("The API's async daemon did not take its shards within 60 s.");
    }

    /// <summary>Posts leave on schedule whether or not earlier ones were stored; each post's time to be stored, in ms.</summary>
    private static async Task<double[]> PostAtRateAsync(UsageIngestQueue queue, Guid org, string run, int postsPerSecond, int seconds, int batch, int consumers)
    {
        var total = postsPerSecond * seconds;
        var times = new double[total];
        var inFlight = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / postsPerSecond);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var post = UsageGenerator.Batch(org, run, i * batch, batch, consumers, DateTimeOffset.UtcNow);
            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                await queue.SubmitAsync(post, default);
                times[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }));
        }
        await Task.WhenAll(inFlight);
        return times;
    }

    /// <summary>
    /// Each projection's lag as a reader sees it: how long ago the oldest event the projection has not
    /// processed yet became visible (committed). Each sample notes the newest committed event; an
    /// event became visible at the first sample that saw it (to within the 200 ms between samples).
    /// An event's own timestamp would also count its write transaction, which no reader can see.
    /// The consumer ranking, kept from the consumer rows rather than the event log, is as far behind
    /// as the first sample whose organizations' consumer changes its stored orders do not all reflect.
    /// </summary>
    internal static async Task SampleAsync(NpgsqlDataSource db, IDocumentStore store, IReadOnlyList<string> projections,
        Dictionary<string, List<double>> lags, CancellationToken ct)
    {
        var seen = new List<(long Newest, Dictionary<Guid, long> Changes, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var (newest, positions, changes, ranked) = await PositionsAsync(db, store, projections, ct);
                var now = clock.Elapsed;
                seen.Add((newest, changes, now));
                for (var i = 0; i < projections.Count; i++)
                {
                    var firstSeen = seen.FirstOrDefault(s => s.Newest > (positions[i] ?? 0));
                    lags[projections[i]].Add(firstSeen == default ? 0 : (now - firstSeen.At).TotalSeconds);
                }
                var unranked = seen.FirstOrDefault(s => !Reflects(ranked, s.Changes));
                lags[ConsumerRankingRefresh.Name].Add(unranked == default ? 0 : (now - unranked.At).TotalSeconds);
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    /// <summary>The async projections, and the consumer ranking beside them: what a lag is sampled for.</summary>
    internal static IReadOnlyList<string> Measured(IReadOnlyList<string> projections) => [.. projections, ConsumerRankingRefresh.Name];

    private static bool Reflects(Dictionary<Guid, long> ranked, Dictionary<Guid, long> changes) =>
        changes.All(c => ranked.TryGetValue(c.Key, out var r) && r >= c.Value);

    /// <summary>Waits until every projection (and the ranking) has processed every event stored when it started; false if <paramref name="within"/> passed first.</summary>
    internal static async Task<bool> CaughtUpAsync(NpgsqlDataSource db, IDocumentStore store, IReadOnlyList<string> projections, TimeSpan within)
    {
        var (target, _, changes, _) = await PositionsAsync(db, store, projections, CancellationToken.None);
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < within; await Task.Delay(100))
        {
            var (_, positions, _, ranked) = await PositionsAsync(db, store, projections, CancellationToken.None);
            if (positions.All(p => (p ?? 0) >= target) && Reflects(ranked, changes)) return true;
        }
        return false;
    }

    /// <summary>
    /// The newest committed event and how far each projection has processed; each organization's
    /// consumer changes, and those its stored orders reflect.
    /// </summary>
    private static async Task<(long Newest, long?[] Positions, Dictionary<Guid, long> Changes, Dictionary<Guid, long> Ranked)> PositionsAsync(
        NpgsqlDataSource db, IDocumentStore store, IReadOnlyList<string> projections, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var command = db.CreateCommand(
            $"""
            select (select coalesce(max(seq_id), 0) from {schema}.mt_events),
                array(select (select last_seq_id from {schema}.mt_event_progression where name = p) from unnest($1::text[]) p),
                array(select organization_id from {OrganizationUsageTable.Name} order by organization_id),
                array(select consumer_changes from {OrganizationUsageTable.Name} order by organization_id),
                array(select organization_id from {ConsumerRankingTable.Progress} order by organization_id),
                array(select consumer_changes from {ConsumerRankingTable.Progress} order by organization_id)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = projections.Select(p => AsyncShards.Shard(p).Identity).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Dictionary<Guid, long> Pairs(int ids, int values) =>
            reader.GetFieldValue<Guid[]>(ids).Zip(reader.GetFieldValue<long[]>(values)).ToDictionary(p => p.First, p => p.Second);
        return (reader.GetInt64(0), reader.GetFieldValue<long?[]>(1), Pairs(2, 3), Pairs(4, 5));
    }
}
