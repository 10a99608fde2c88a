using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger bench admission [--nodes N]</c>: starts N API processes on loopback (one database),
/// gives a new organization default consumer caps (rpm, lifetime and monthly budgets) and key caps
/// (rpm, tpm, budget), and drives <c>POST /v1/admissions</c> across the nodes from this process,
/// which shares the machine's cores with them and PostgreSQL. It warms up until the saturated rate
/// has settled, then measures at a fixed rate (open loop) admission, the health check and liveness,
/// then saturated admission and the health check. The baselines are measured in the same run the
/// same way: <c>GET /health/live</c> (HTTP alone) for latency, <c>GET /health/ready</c> (HTTP and
/// one database round trip) for throughput. Two probe consumers with tight caps ride along
/// (<see cref="CapProbes"/>); the run fails when a cap was exceeded.
/// </summary>
public static class AdmissionBench
{
    /// <summary>
    /// <c>--metrics-ab</c>: two nodes, the first with metrics off and the second on, under the same load at the same
    /// time, which measures the cost of metrics with the shared machine's drift divided out (from run to run it
    /// moves more than metrics cost). <c>--metrics-ba</c> turns them the other way round: the two nodes are not
    /// quite alike (the first one up spends about 6 % more per admission), and a pair of runs divides that out too.
    /// </summary>
    public sealed record Options(int Seconds, int Rate, int Consumers, int Keys, int Concurrency, int Nodes, int? MetricsOnNode)
    {
        public static Options Parse(string[] args)
        {
            int? metricsOn = args.Contains("--metrics-ab") ? 1 : args.Contains("--metrics-ba") ? 0 : null;
            return new(BenchArgs.Get(args, "--seconds", 10), BenchArgs.Get(args, "--rate", 2000), BenchArgs.Get(args, "--consumers", 1000),
                BenchArgs.Get(args, "--keys", 10), BenchArgs.Get(args, "--concurrency", 32), metricsOn is null ? BenchArgs.Get(args, "--nodes", 1) : 2,
                metricsOn);
        }
    }

    public static async Task<int> RunAsync(Options o)
    {
        Console.WriteLine($"machine: {BenchArgs.Machine}");
        Console.WriteLine($"nodes: {o.Nodes}, consumers: {o.Consumers}, keys: {o.Keys}, fixed rate: {o.Rate}/s for {o.Seconds} s, " +
            $"saturated: {o.Concurrency} clients for {o.Seconds} s");
        var (org, ownerToken, ingestToken) = await HttpIngestBench.CreateOrganizationAsync();
        var urls = Enumerable.Range(0, o.Nodes).Select(n => $"http://127.0.0.1:{5181 + n}").ToList();
        // Without the async daemon, as in `bench ingest`: a daemon catching up on the benchmark database's
        // millions of events would be measured instead of admission. Its steady cost is in docs/performance.md.
        var apis = urls.Select((url, node) => HttpIngestBench.StartApi(new Dictionary<string, string>
        {
            ["Ledger__Metrics__Enabled"] = o.MetricsOnNode is { } on ? (node == on).ToString() : Environment.GetEnvironmentVariable("Ledger__Metrics__Enabled") ?? "true",
            ["Ledger__AsyncProjections"] = "Disabled",
            // The bench never settles, so with the default 10-minute lifetime the reservations of one run would all be
            // released during a run ten minutes later, and that run would measure the release of tens of thousands of
            // reservations besides its own admissions.
            ["Ledger__Admissions__ReservationTtl"] = "1.00:00:00",
            // Two nodes at the default pool of 100 fill the private cluster's 300 connections when the health-check
            // baseline's open loop bursts (docs/operations.md, "Database connections per node").
            ["LEDGER_DB"] = new Npgsql.NpgsqlConnectionStringBuilder(BenchArgs.Connection) { MaxPoolSize = o.Nodes > 1 ? 50 : 100 }.ConnectionString,
        }, url)).ToList();
        var clients = urls.Select(url => new HttpClient { BaseAddress = new Uri(url) }).ToList();
        try
        {
            foreach (var http in clients) await HttpIngestBench.WaitReadyAsync(http);
            clients[0].DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ownerToken);
            await SetCapsAsync(clients[0], org, o);
            await CapProbes.CreateAsync(clients[0], org);
            foreach (var http in clients) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ingestToken);

            var probes = new CapProbes(org);
            var run = Guid.NewGuid().ToString("N")[..8];
            var n = 0;
            // Requests go round the nodes, as behind a load balancer.
            HttpClient Node(int i) => clients[i % clients.Count];
            async Task<int> Admit(int i, bool probe)
            {
                var id = Interlocked.Increment(ref n);
                var consumer = probe ? CapProbes.ConsumerOf(i) : null;
                var body = Encoding.UTF8.GetBytes(
                    $$"""{"request_id":"{{run}}-{{id}}","key_id":"bench_key_{{id % o.Keys}}","user":"{{consumer ?? $"bench_user_{id % o.Consumers}"}}","model":"gpt-4o","estimated_input_tokens":500,"estimated_cost_usd":{{CapProbes.Estimate}}}""");
                var status = await SendAsync(Node(i), HttpMethod.Post, "/v1/admissions", body);
                if (consumer is not null) probes.Answered(consumer, status);
                return status;
            }
            Task<int> Warm(int i) => Admit(i, probe: false);
            Task<int> Measured(int i) => Admit(i, probe: true);
            Task<int> Health(int i) => SendAsync(Node(i), HttpMethod.Get, "/health/ready", null);
            Task<int> Live(int i) => SendAsync(Node(i), HttpMethod.Get, "/health/live", null);

            await WarmUpAsync(Warm, Health, Live, apis, o);

            var decidedBefore = await DecisionsAsync(clients);
            var fixedRate = await OpenLoop.FixedRateAsync(Measured, o.Rate, TimeSpan.FromSeconds(o.Seconds), i => CapProbes.ConsumerOf(i) is not null);
            var decided = (await DecisionsAsync(clients)).ToDictionary(d => d.Key, d => d.Value - decidedBefore.GetValueOrDefault(d.Key));
            var healthFixed = await OpenLoop.FixedRateAsync(Health, o.Rate, TimeSpan.FromSeconds(Math.Max(3, o.Seconds / 2)));
            var liveFixed = await OpenLoop.FixedRateAsync(Live, o.Rate, TimeSpan.FromSeconds(Math.Max(3, o.Seconds / 2)));
            var nodeCpu = apis.Select(HttpIngestBench.CpuOf).ToList();
            var cpu = (Self: HttpIngestBench.CpuOf(Process.GetCurrentProcess()), Machine: HttpIngestBench.MachineCpu());
            var saturated = await OpenLoop.SaturateAsync(Measured, o.Concurrency, TimeSpan.FromSeconds(o.Seconds));
            nodeCpu = apis.Select((api, node) => HttpIngestBench.CpuOf(api) - nodeCpu[node]).ToList();
            var (apiCpu, selfCpu) = (nodeCpu.Sum(), HttpIngestBench.CpuOf(Process.GetCurrentProcess()) - cpu.Self);
            var rest = HttpIngestBench.MachineCpu() - cpu.Machine - apiCpu - selfCpu;
            var admissions = saturated.Rate * o.Seconds;
            Console.WriteLine($"cpu while saturated, per admission: api {apiCpu / admissions * 1e6:F0} µs, load generator {selfCpu / admissions * 1e6:F0} µs, " +
                $"PostgreSQL and the rest {rest / admissions * 1e6:F0} µs; the machine was {(apiCpu + selfCpu + rest) / o.Seconds / Environment.ProcessorCount:P0} busy " +
                $"({Environment.ProcessorCount} cores)");
            // Requests go round the nodes, so each served half of them.
            if (o.MetricsOnNode is { } metricsOn)
                Console.WriteLine($"metrics cost: api cpu per admission with metrics off {nodeCpu[1 - metricsOn] / admissions * 2e6:F1} µs " +
                    $"(node {2 - metricsOn}), on {nodeCpu[metricsOn] / admissions * 2e6:F1} µs (node {metricsOn + 1}), at the same time; " +
                    $"on/off {nodeCpu[metricsOn] / nodeCpu[1 - metricsOn]:F3}");
            var healthSaturated = await OpenLoop.SaturateAsync(Health, o.Concurrency, TimeSpan.FromSeconds(Math.Max(3, o.Seconds / 2)));

            Console.WriteLine($"at {o.Rate}/s: admission p50 {fixedRate.P50:F2} ms, p99 {fixedRate.P99:F2} ms ({fixedRate.Outcomes}); " +
                $"health check p50 {healthFixed.P50:F2} ms, p99 {healthFixed.P99:F2} ms; liveness p50 {liveFixed.P50:F2} ms, p99 {liveFixed.P99:F2} ms");
            if (fixedRate.Apart is var (nearP50, nearP99, near))
                Console.WriteLine($"of which near a cap (probes, decided in the database): {near} requests, p50 {nearP50:F2} ms, p99 {nearP99:F2} ms");
            var inDatabase = decided.GetValueOrDefault("database");
            Console.WriteLine($"decided at {o.Rate}/s: {decided.GetValueOrDefault("lease"):F0} from leases, {inDatabase:F0} in the database " +
                $"({inDatabase / Math.Max(1, decided.Values.Sum()):P2}), {decided.GetValueOrDefault("retry"):F0} retries answered as before");
            Console.WriteLine($"saturated: admission {saturated.Rate:F0}/s ({saturated.Outcomes}); health check {healthSaturated.Rate:F0}/s");
            var (held, report) = await probes.CheckAsync(BenchArgs.Connection);
            Console.WriteLine($"caps {(held ? "held" : "EXCEEDED")}: {report}");
            Console.WriteLine($"admission: p99 {fixedRate.P99:F2} ms at {o.Rate}/s (liveness p99 {liveFixed.P99:F2} ms, ratio {fixedRate.P99 / liveFixed.P99:F2}), " +
                $"saturated {saturated.Rate:F0}/s (health check {healthSaturated.Rate:F0}/s, ratio {saturated.Rate / healthSaturated.Rate:F2})");
            return held ? 0 : 1;
        }
        finally
        {
            foreach (var http in clients) http.Dispose();
            foreach (var api in apis)
            {
                api.Kill(entireProcessTree: true);
                api.Dispose();
            }
        }
    }

    /// <summary>
    /// Untimed: saturated admission in 3-second rounds until settled (<see cref="WarmUp"/>), then the
    /// health check and liveness for 2 s each. Tiered compilation keeps recompiling hot code for tens
    /// of seconds of load, and a new PostgreSQL cluster starts cold; both used to land inside the measured window.
    /// </summary>
    private static async Task WarmUpAsync(Func<int, Task<int>> admit, Func<int, Task<int>> health, Func<int, Task<int>> live,
        IReadOnlyList<Process> apis, Options o)
    {
        var round = TimeSpan.FromSeconds(3);
        await WarmUp.UntilSettledAsync(async _ => (await OpenLoop.SaturateAsync(admit, o.Concurrency, round)).Rate * round.TotalSeconds,
            () => apis.Sum(HttpIngestBench.CpuOf), WarmUp.Minimum, "admission");
        await OpenLoop.SaturateAsync(health, o.Concurrency, TimeSpan.FromSeconds(2));
        await OpenLoop.SaturateAsync(live, o.Concurrency, TimeSpan.FromSeconds(2));
    }

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
    private static async Task SetCapsAsync(HttpClient http, Guid org, Options o)
    {
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

    /// <summary>
    /// The nodes' <c>ledger_admission_decisions_total</c> from their <c>/metrics</c>, summed by where the admissions were
    /// decided; a node with metrics off counts as the others did.
    /// </summary>
    private static async Task<Dictionary<string, double>> DecisionsAsync(IReadOnlyList<HttpClient> nodes)
    {
        var decided = new Dictionary<string, double>();
        var scraped = 0;
        foreach (var node in nodes)
        {
            using var response = await node.GetAsync("/metrics");
            var scrape = await response.Content.ReadAsStringAsync();
            if (!scrape.Contains("ledger_admission_decisions_total", StringComparison.Ordinal)) continue;
            scraped++;
            foreach (var line in scrape.Split('\n'))
                if (line.StartsWith("ledger_admission_decisions_total{", StringComparison.Ordinal)
                    && line.Split("decided_by=\"") is [_, var rest] && rest.Split('"')[0] is var by
                    && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var count))
                    decided[by] = decided.GetValueOrDefault(by) + count;
        }
        return decided.ToDictionary(d => d.Key, d => d.Value * nodes.Count / Math.Max(1, scraped));
    }
}
