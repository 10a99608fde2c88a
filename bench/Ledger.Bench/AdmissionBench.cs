using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger bench admission</c>: starts the API as its own process on loopback, gives a new
/// organization default consumer caps (rpm, lifetime and monthly budgets) and key caps (rpm, tpm,
/// budget), then drives <c>POST /v1/admissions</c> from this process, which shares the machine's
/// cores with the API and PostgreSQL. First at a fixed rate (open loop: requests leave on schedule
/// whether or not earlier ones have answered) for latency, then from concurrent clients as fast as
/// they are answered for the saturated rate. The baseline, measured in the same run the same way,
/// is <c>GET /health/ready</c>: the same HTTP stack and auth-free path with one database round trip.
/// </summary>
public static class AdmissionBench
{
    public sealed record Options(int Seconds, int Rate, int Consumers, int Keys, int Concurrency)
    {
        public static Options Parse(string[] args) => new(BenchArgs.Get(args, "--seconds", 10), BenchArgs.Get(args, "--rate", 2000),
            BenchArgs.Get(args, "--consumers", 1000), BenchArgs.Get(args, "--keys", 10), BenchArgs.Get(args, "--concurrency", 32));
    }

    public static async Task<int> RunAsync(Options o)
    {
        Console.WriteLine($"machine: {BenchArgs.Machine}");
        Console.WriteLine($"consumers: {o.Consumers}, keys: {o.Keys}, fixed rate: {o.Rate}/s for {o.Seconds} s, saturated: {o.Concurrency} clients for {o.Seconds} s");
        var (org, ownerToken, ingestToken) = await HttpIngestBench.CreateOrganizationAsync();
        // Without the async daemon, as in `bench ingest`: a daemon catching up on the benchmark database's
        // millions of events would be measured instead of admission. Its steady cost is in docs/performance.md.
        using var api = HttpIngestBench.StartApi(new Dictionary<string, string>
        {
            ["Ledger__AsyncProjections"] = "Disabled",
            // The bench never settles, so with the default 10-minute lifetime the reservations of one run would all be
            // released during a run ten minutes later, and that run would measure the release of tens of thousands of
            // reservations besides its own admissions.
            ["Ledger__Admissions__ReservationTtl"] = "1.00:00:00",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(HttpIngestBench.Url) };
            await HttpIngestBench.WaitReadyAsync(http);
            await SetCapsAsync(http, org, ownerToken, o);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ingestToken);

            var run = Guid.NewGuid().ToString("N")[..8];
            var n = 0;
            byte[] NextBody()
            {
                var i = Interlocked.Increment(ref n);
                return Encoding.UTF8.GetBytes(
                    $$"""{"request_id":"{{run}}-{{i}}","key_id":"bench_key_{{i % o.Keys}}","user":"bench_user_{{i % o.Consumers}}","model":"gpt-4o","estimated_input_tokens":500,"estimated_cost_usd":0.0001}""");
            }
            Task<int> Admit() => SendAsync(http, HttpMethod.Post, "/v1/admissions", NextBody());
            Task<int> Health() => SendAsync(http, HttpMethod.Get, "/health/ready", null);
            Task<int> Live() => SendAsync(http, HttpMethod.Get, "/health/live", null);

            // Warm-up, untimed: tiered compilation keeps recompiling hot code for several seconds of load
            // (it took 20-40 % of the API's CPU inside a window that started after 3 s, and still 20 % 40 s after start), and the pools fill.
            await SaturateAsync(Admit, o.Concurrency, TimeSpan.FromSeconds(20));
            await SaturateAsync(Health, o.Concurrency, TimeSpan.FromSeconds(2));

            var fixedRate = await FixedRateAsync(Admit, o.Rate, TimeSpan.FromSeconds(o.Seconds));
            var baselineFixed = await FixedRateAsync(Health, o.Rate, TimeSpan.FromSeconds(Math.Max(3, o.Seconds / 2)));
            var floorFixed = await FixedRateAsync(Live, o.Rate, TimeSpan.FromSeconds(Math.Max(3, o.Seconds / 2)));
            var cpu = (Api: HttpIngestBench.CpuOf(api), Self: HttpIngestBench.CpuOf(Process.GetCurrentProcess()), Machine: HttpIngestBench.MachineCpu());
            var saturated = await SaturateAsync(Admit, o.Concurrency, TimeSpan.FromSeconds(o.Seconds));
            var (apiCpu, selfCpu) = (HttpIngestBench.CpuOf(api) - cpu.Api, HttpIngestBench.CpuOf(Process.GetCurrentProcess()) - cpu.Self);
            var rest = HttpIngestBench.MachineCpu() - cpu.Machine - apiCpu - selfCpu;
            var admissions = saturated.Rate * o.Seconds;
            Console.WriteLine($"cpu while saturated, per admission: api {apiCpu / admissions * 1e6:F0} µs, load generator {selfCpu / admissions * 1e6:F0} µs, " +
                $"PostgreSQL and the rest {rest / admissions * 1e6:F0} µs; the machine was {(apiCpu + selfCpu + rest) / o.Seconds / Environment.ProcessorCount:P0} busy " +
                $"({Environment.ProcessorCount} cores)");
            var baselineSaturated = await SaturateAsync(Health, o.Concurrency, TimeSpan.FromSeconds(Math.Max(3, o.Seconds / 2)));

            Console.WriteLine($"at {o.Rate}/s: admission p50 {fixedRate.P50:F2} ms, p99 {fixedRate.P99:F2} ms ({fixedRate.Outcomes}); " +
                $"health check p50 {baselineFixed.P50:F2} ms, p99 {baselineFixed.P99:F2} ms; p99 ratio {fixedRate.P99 / baselineFixed.P99:F2}; " +
                $"liveness (no database) p50 {floorFixed.P50:F2} ms, p99 {floorFixed.P99:F2} ms");
            Console.WriteLine($"saturated: admission {saturated.Rate:F0}/s ({saturated.Outcomes}); health check {baselineSaturated.Rate:F0}/s; " +
                $"ratio {saturated.Rate / baselineSaturated.Rate:F2}");
            Console.WriteLine($"admission: p99 {fixedRate.P99:F2} ms at {o.Rate}/s, saturated {saturated.Rate:F0}/s");
            return 0;
        }
        finally
        {
            api.Kill(entireProcessTree: true);
        }
    }

    private sealed record Result(double Rate, double P50, double P99, string Outcomes);

    /// <summary>Requests leave on a fixed schedule, each timed from when it left; the schedule never waits for answers.</summary>
    private static async Task<Result> FixedRateAsync(Func<Task<int>> send, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var statuses = new ConcurrentDictionary<int, int>();
        var inFlight = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                var status = await send();
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
            }));
        }
        await Task.WhenAll(inFlight);
        Array.Sort(latencies);
        return new Result(total / clock.Elapsed.TotalSeconds, latencies[total / 2], latencies[(int)(total * 0.99)], Describe(statuses));
    }

    private static async Task<Result> SaturateAsync(Func<Task<int>> send, int clients, TimeSpan duration)
    {
        var statuses = new ConcurrentDictionary<int, int>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var status = await send();
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
                Interlocked.Increment(ref done);
            }
        }));
        return new Result(done / clock.Elapsed.TotalSeconds, 0, 0, Describe(statuses));
    }

    private static string Describe(ConcurrentDictionary<int, int> statuses) =>
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} × {s.Key}"));

    private static async Task<int> SendAsync(HttpClient http, HttpMethod method, string path, byte[]? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        using var response = await http.SendAsync(request);
        var status = (int)response.StatusCode;
        if (status is not (200 or 402 or 429))
            throw new InvalidOperationException($"{method} {path} answered {status}: {await response.Content.ReadAsStringAsync()}");
        return status;
    }

    /// <summary>Caps every admission has to check: consumer defaults (rpm, lifetime and monthly budgets) and per-key rpm, tpm and budget.</summary>
    private static async Task SetCapsAsync(HttpClient http, Guid org, string ownerToken, Options o)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ownerToken);
        await Ok(http.PutAsJsonAsync("/api/end-users/defaults", new
        {
            organization_id = org,
            rpm_limit = 100_000,
            max_budget = 1_000_000m,
            budget_duration = "monthly",
            period_budget = 100_000m,
        }));
        for (var k = 0; k < o.Keys; k++)
        {
            await Ok(http.PostAsJsonAsync("/api/keys", new { organization_id = org, key_id = $"bench_key_{k}", team_id = "bench", owner_user_id = "bench" }));
            await Ok(http.PutAsJsonAsync($"/api/keys/bench_key_{k}/limits",
                new { organization_id = org, rpm_limit = 1_000_000, tpm_limit = 1_000_000_000, max_budget = 1_000_000m }));
        }
    }

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"setting up caps failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
