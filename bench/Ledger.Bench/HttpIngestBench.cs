using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Ledger.Api.Organizations.Creating;
using Ledger.Api.Storage;
using Ledger.Domain.Usage;
using Ledger.Projections.Rebuilds;
using Marten;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger bench http</c>: the API as its own process on loopback, fed batches of usage by
/// concurrent HTTP clients in this process, twice in one run, each on a fresh database: first as an
/// ingest-only node (<c>Ledger:AsyncProjections = Disabled</c>), then as one node with every async
/// projection live (the daemon, started caught up, holding every shard). Both against raw COPY in the
/// same run. The load generator shares the machine's cores with the API and PostgreSQL.
/// </summary>
public static class HttpIngestBench
{
    internal const string Url = "http://127.0.0.1:5181";

    /// <summary>
    /// The node with every projection live warms up for at least this long: its daemon's code took about
    /// 100 s of saturated load to reach its optimized tier (the API's CPU per event fell from 225 µs to 70 µs).
    /// </summary>
    private static readonly TimeSpan LiveWarmUp = TimeSpan.FromSeconds(120);

    /// <summary><paramref name="format"/> "litellm" (LiteLLM batches) or "otlp" (OTLP/HTTP protobuf exports) also posts the same usage so, on the ingest-only node.</summary>
    public static async Task<int> RunAsync(BenchArgs args, string format = "native")
    {
        Console.WriteLine($"machine: {BenchArgs.Machine}");
        Console.WriteLine($"events: {args.Events}, batch: {args.BatchSize}, concurrent clients: {args.Concurrency}, format: {format}");
        var connection = BenchArgs.Connection; // made anew for this run (Program.cs)
        double copy;
        await using (var db = NpgsqlDataSource.Create(connection)) copy = await CopyBaseline.RowsPerSecondAsync(db, args.Events);
        Console.WriteLine($"copy baseline: {copy:F0} rows/s");

        Console.WriteLine("ingest-only node (Ledger:AsyncProjections = Disabled): the daemon does not run");
        var ingestOnly = await OnNodeAsync(connection, daemon: false, async (http, api, org) =>
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            var native = await MeasureAsync(http, args, api, "/v1/usage", org, "native" + run, Json(UsageGenerator.Wire));
            if (format == "litellm")
            {
                var litellm = await MeasureAsync(http, args, api, "/v1/integrations/litellm", org, "litellm" + run, Json(LiteLlmWire.Payload));
                Console.WriteLine($"http ingest, LiteLLM json_array: {litellm:F0} events/s ({litellm / native:F2} x native; target >= 0.7)");
            }
            if (format == "otlp")
            {
                var otlp = await MeasureAsync(http, args, api, "/v1/traces", org, "otlp" + run, OtlpSpansWire.Export, "application/x-protobuf", 200);
                Console.WriteLine($"http ingest, OTLP protobuf: {otlp:F0} GenAI spans/s ({otlp / native:F2} x native; target >= 0.7)");
            }
            return native;
        });

        Console.WriteLine("one node with every projection live (Ledger:AsyncProjections = HotCold): the daemon runs, caught up at the start");
        connection = await BenchDatabase.FreshAsync($"{new NpgsqlConnectionStringBuilder(connection).Database}_live");
        var live = await OnNodeAsync(connection, daemon: true, async (http, api, org) =>
        {
            await using var store = new DocumentStore(StoreSetup.OptionsBesideNodes(connection));
            await using var db = NpgsqlDataSource.Create(connection);
            var projections = AsyncShards.Names(store);
            await LagBench.DaemonRunningAsync(store, db, projections);
            var lags = LagBench.Measured(projections).ToDictionary(p => p, _ => new List<double>());
            using var stop = new CancellationTokenSource();
            Task? sampling = null;
            var rate = await MeasureAsync(http, args, api, "/v1/usage", org, "live" + Guid.NewGuid().ToString("N")[..8], Json(UsageGenerator.Wire),
                minimumWarmUp: LiveWarmUp, beforeTiming: async () =>
                {
                    // The timed posts start with every projection caught up with the warm-up's.
                    if (!await LagBench.CaughtUpAsync(db, store, projections, TimeSpan.FromMinutes(5)))
                        throw new TimeoutException("The projections did not catch up with the warm-up within 5 minutes.");
                    sampling = LagBench.SampleAsync(db, store, projections, lags, stop.Token);
                });
            var posted = Stopwatch.StartNew();
            var caughtUp = await LagBench.CaughtUpAsync(db, store, projections, TimeSpan.FromMinutes(5));
            var tail = posted.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            if (sampling is not null) await sampling;
            foreach (var (projection, samples) in lags.Where(l => l.Value.Count > 0))
                Console.WriteLine($"{projection}: lag max {samples.Max():F2} s while posting");
            var worst = lags.Values.SelectMany(l => l).DefaultIfEmpty(0).Max();
            Console.WriteLine(caughtUp
                ? $"every projection caught up {tail:F1} s after the last post; lag max {worst:F2} s"
                : $"the projections had not caught up {tail:F0} s after the last post; lag max {worst:F2} s");
            return rate;
        });

        Console.WriteLine($"http ingest: ingest-only {ingestOnly:F0} events/s ({ingestOnly / copy:F2} x COPY), " +
            $"every projection live {live:F0} events/s ({live / copy:F2} x COPY), copy: {copy:F0} rows/s");
        return 0;
    }

    /// <summary>Starts an API process on <paramref name="connection"/>, with or without the async daemon, creates an organization, runs <paramref name="measure"/>.</summary>
    private static async Task<double> OnNodeAsync(string connection, bool daemon, Func<HttpClient, Process, Guid, Task<double>> measure)
    {
        var (org, _, ingestToken) = await CreateOrganizationAsync(connection);
        using var api = StartApi(new Dictionary<string, string>
        {
            ["LEDGER_DB"] = connection,
            ["Ledger__AsyncProjections"] = daemon ? "HotCold" : "Disabled",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(Url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ingestToken);
            await WaitReadyAsync(http);
            var rate = await measure(http, api, org);
            Console.WriteLine($"http ingest: {rate:F0} events/s");
            return rate;
        }
        finally
        {
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
        }
    }

    /// <summary>Posts generated usage in one wire shape after an untimed warm-up; the events per second.</summary>
    private static async Task<double> MeasureAsync(HttpClient http, BenchArgs args, Process api, string path, Guid org, string run,
        Func<IEnumerable<UsageSettled>, byte[]> encode, string contentType = "application/json", int answered = 202,
        TimeSpan? minimumWarmUp = null, Func<Task>? beforeTiming = null)
    {
        List<byte[]> Bodies(string prefix, int posts) => Enumerable.Range(0, posts)
            .Select(b => encode(UsageGenerator.Batch(org, prefix, b * args.BatchSize, args.BatchSize, args.Consumers, DateTimeOffset.UtcNow)))
            .ToList();
        var bodies = Bodies(run, args.Events / args.BatchSize);
        var warmUp = minimumWarmUp ?? WarmUp.Minimum;
        await WarmUp.PostsUntilSettledAsync((round, posts) => Drive.ConcurrentlyAsync(Bodies($"warm{round}{run}", posts), args.Concurrency,
            b => PostAsync(http, path, b, contentType, answered)), () => CpuOf(api), args, warmUp);
        if (beforeTiming is not null) await beforeTiming();

        var (apiCpu, selfCpu) = (CpuOf(api), CpuOf(Process.GetCurrentProcess()));
        var sw = Stopwatch.StartNew();
        await Drive.ConcurrentlyAsync(bodies, args.Concurrency, b => PostAsync(http, path, b, contentType, answered));
        var wall = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"{path}: {bodies.Sum(b => b.Length) / bodies.Count / 1024} KiB a post; cpu over the run: api {(CpuOf(api) - apiCpu) / wall:P0}, " +
            $"load generator {(CpuOf(Process.GetCurrentProcess()) - selfCpu) / wall:P0} of one core ({Environment.ProcessorCount} cores; PostgreSQL has the rest)");
        return bodies.Count * args.BatchSize / wall;
    }

    private static Func<IEnumerable<UsageSettled>, byte[]> Json(Func<UsageSettled, object> wire) =>
        batch => JsonSerializer.SerializeToUtf8Bytes(batch.Select(wire));

    /// <summary>CPU seconds the whole machine has been busy (all processes, all cores), from /proc/stat; 0 where there is none.</summary>
    internal static double MachineCpu()
    {
        if (!File.Exists("/proc/stat")) return 0;
        // cpu  user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait, in 1/100 s.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse).ToArray();
        return (fields.Sum() - fields[3] - fields[4]) / 100.0;
    }

    internal static double CpuOf(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalSeconds;
    }

    private static async Task PostAsync(HttpClient http, string path, byte[] body, string contentType, int answered)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await http.PostAsync(path, content);
        if ((int)response.StatusCode != answered)
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    internal static async Task<(Guid Org, string OwnerToken, string IngestToken)> CreateOrganizationAsync(string? connection = null)
    {
        await using var store = new DocumentStore(StoreSetup.OptionsBesideNodes(connection ?? BenchArgs.Connection));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var created = await OrganizationCreation.CreateAsync(store, "bench", "bench", DateTimeOffset.UtcNow);
        return (created.OrganizationId, created.OwnerToken, created.IngestToken);
    }

    internal static Process StartApi(IReadOnlyDictionary<string, string>? environment = null, string url = Url)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Ledger.Api.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LEDGER_URL"] = url;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Console__LogToStandardErrorThreshold"] = "Warning"; // shown below as "api: ..."
        // The benchmarks time Ledger's work, not its abuse limits: the reads bench sends one owner token's requests back to back.
        start.Environment["Ledger__RateLimits__TokenRequestsPerMinute"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"api: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(500);
        }
        throw new TimeoutException("The API did not become ready within 60 s.");
    }
}
