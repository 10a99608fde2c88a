using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Ledger.Api.Organizations.Creating;
using Ledger.Api.Storage;
using Ledger.Domain.Usage;
using Marten;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger bench http</c>: starts the API as its own process on loopback, creates an
/// organization, and posts batches of usage from concurrent HTTP clients in this process.
/// The load generator shares the machine's cores with the API and PostgreSQL.
/// </summary>
public static class HttpIngestBench
{
    internal const string Url = "http://127.0.0.1:5181";

    /// <summary><paramref name="format"/> "litellm" (LiteLLM batches) or "otlp" (OTLP/HTTP protobuf exports) also posts the same usage so, after the native run.</summary>
    public static async Task<int> RunAsync(BenchArgs args, string format = "native")
    {
        Console.WriteLine($"machine: {BenchArgs.Machine}");
        Console.WriteLine($"events: {args.Events}, batch: {args.BatchSize}, concurrent clients: {args.Concurrency}, format: {format}");
        var (org, _, ingestToken) = await CreateOrganizationAsync();
        using var api = StartApi();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(Url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ingestToken);
            await WaitReadyAsync(http);

            var run = Guid.NewGuid().ToString("N")[..8];
            var native = await MeasureAsync(http, args, api, "/v1/usage", org, "native" + run, Json(UsageGenerator.Wire));
            Console.WriteLine($"http ingest: {native:F0} events/s ({args.Events / args.BatchSize} posts of {args.BatchSize})");
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
            return 0;
        }
        finally
        {
            api.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Posts generated usage in one wire shape after an untimed warm-up; the events per second.</summary>
    private static async Task<double> MeasureAsync(HttpClient http, BenchArgs args, Process api, string path, Guid org, string run,
        Func<IEnumerable<UsageSettled>, byte[]> encode, string contentType = "application/json", int answered = 202)
    {
        List<byte[]> Bodies(string prefix, int posts) => Enumerable.Range(0, posts)
            .Select(b => encode(UsageGenerator.Batch(org, prefix, b * args.BatchSize, args.BatchSize, args.Consumers, DateTimeOffset.UtcNow)))
            .ToList();
        var bodies = Bodies(run, args.Events / args.BatchSize);
        await Drive.ConcurrentlyAsync(Bodies("warm" + run, Drive.WarmupPosts), args.Concurrency, b => PostAsync(http, path, b, contentType, answered));

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
        await using var store = new DocumentStore(StoreSetup.Options(connection ?? BenchArgs.Connection));
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
