using System.Diagnostics;
using System.Net.Http.Headers;
using Ledger.Api.Access;
using Ledger.Api.Storage;
using Ledger.Domain.Access;
using Ledger.Domain.Access.Tokens;
using Ledger.Ingest.Usage.Settling;
using Ledger.Projections.OrganizationUsage;
using Ledger.Projections.Rebuilds;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger bench reads</c>: the dashboard's reads at scale. In a database of its own, seeds an
/// organization with 100,000 consumers and usage over the last 90 days (not timed; the async
/// projections caught up; <c>--reuse</c> keeps the database a run before seeded), starts the API as
/// its own process and, once it has settled, times one request at a time over loopback, each series
/// after 200 untimed (<c>--untimed N</c>): the consumer list (searched, sorted, paged), one
/// consumer's 90-day series, and the dashboard's Consumers page (HTML, with a session) beside the
/// JSON list it reads through, turn about. The baseline in the same run is <c>GET /health/live</c> timed the same
/// way. A run during which the API rebuilt a projection reports no figures.
/// </summary>
public static class ReadsBench
{
    private const string Database = "ledger_bench_reads";

    public static async Task<int> RunAsync(string[] args)
    {
        var consumers = BenchArgs.Get(args, "--consumers", 100_000);
        var events = BenchArgs.Get(args, "--events", 1_000_000);
        var requests = BenchArgs.Get(args, "--requests", 400);
        // Requests before each timed series, so both processes run their request paths' optimized code (.NET's tiered JIT).
        var untimed = BenchArgs.Get(args, "--untimed", 200);
        const int days = 90;
        Console.WriteLine($"machine: {BenchArgs.Machine}");
        Console.WriteLine($"{consumers:N0} consumers, {events:N0} usage events over {days} days; {requests} timed requests per read, one at a time");
        var (connection, org, ownerToken) = args.Contains("--reuse") && await SeededAsync() is { } seeded
            ? seeded
            : await SeedAsync(consumers, events, days);

        var apiStarted = DateTimeOffset.UtcNow;
        using var api = HttpIngestBench.StartApi(new Dictionary<string, string> { ["LEDGER_DB"] = connection });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(HttpIngestBench.Url) };
            await HttpIngestBench.WaitReadyAsync(http);
            await SettledAsync(api);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ownerToken);
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var random = new Random(7);
            string[] sorts = ["total_spend", "requests", "last_active", "end_user_id", "total_tokens"];
            string Sorted(int i) =>
                $"/api/consumers?organization_id={org}&sort={sorts[i % sorts.Length]}&order={(i / sorts.Length % 2 == 0 ? "desc" : "asc")}&page={1 + random.Next(40)}";
            string Searched(int i) => $"/api/consumers?organization_id={org}&search={random.Next(1000):D3}&sort={sorts[i % sorts.Length]}&page=1";
            // A consumer the seed gave usage to: UsageGenerator names record i's consumer after i * 7919, and leaves every 50th unattributed.
            string Series(int i) =>
                $"/api/consumers/tenant_{(long)(random.Next(consumers / 50) * 50 + 1 + random.Next(49)) * 7919 % consumers}:user/activity?organization_id={org}&start_date={today.AddDays(-(days - 1)):yyyy-MM-dd}&end_date={today:yyyy-MM-dd}";

            var live = await TimeAsync(http, _ => "/health/live", requests, untimed);
            var sorted = await TimeAsync(http, Sorted, requests / 2, untimed);
            var searched = await TimeAsync(http, Searched, requests / 2, untimed);
            var series = await TimeAsync(http, Series, requests, untimed);
            var list = Timing.Of([.. sorted.Times, .. searched.Times]);
            // The Consumers page beside the JSON list it reads through: its first page in the default order, and a searched one.
            using var browser = await DashboardSession.SignInAsync(connection, org, ownerToken);
            string Search(int i) => (i * 37 % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            var (listFirst, pageFirst) = await TimeSideBySideAsync(
                http, _ => $"/api/consumers?organization_id={org}", browser.Http, _ => browser.Consumers, requests / 2, untimed);
            var (listSearched, pageSearched) = await TimeSideBySideAsync(
                http, i => $"/api/consumers?organization_id={org}&search={Search(i)}", browser.Http, i => $"{browser.Consumers}?search={Search(i)}", requests / 2, untimed);
            var (listBoth, pageBoth) = (Timing.Of([.. listFirst.Times, .. listSearched.Times]), Timing.Of([.. pageFirst.Times, .. pageSearched.Times]));
            if (await RebuildsSinceAsync(connection, apiStarted) is [_, ..] rebuilt)
            {
                Console.Error.WriteLine($"reads: no figures: the API rebuilt {string.Join(", ", rebuilt)} while requests were timed, so they would time that rebuild");
                return 1;
            }
            Console.WriteLine($"baseline GET /health/live: p50 {live.P50:F2} ms, p95 {live.P95:F2} ms");
            Console.WriteLine($"consumer list, a sorted page of the first 40: p50 {sorted.P50:F2} ms, p95 {sorted.P95:F2} ms");
            Console.WriteLine($"consumer list, searched for three digits: p50 {searched.P50:F2} ms, p95 {searched.P95:F2} ms");
            Console.WriteLine($"consumer list (search, sort, page): p50 {list.P50:F2} ms, p95 {list.P95:F2} ms; ratio of p95 to the baseline {list.P95 / live.P95:F1}");
            Console.WriteLine($"90-day series: p50 {series.P50:F2} ms, p95 {series.P95:F2} ms; ratio of p95 to the baseline {series.P95 / live.P95:F1}");
            Console.WriteLine($"JSON list, first page: p50 {listFirst.P50:F2} ms, p95 {listFirst.P95:F2} ms; searched: p50 {listSearched.P50:F2} ms, p95 {listSearched.P95:F2} ms");
            Console.WriteLine($"Consumers page HTML, first page: p50 {pageFirst.P50:F2} ms, p95 {pageFirst.P95:F2} ms; searched: p50 {pageSearched.P50:F2} ms, p95 {pageSearched.P95:F2} ms");
            Console.WriteLine($"Consumers page p95 / JSON list p95: first page {pageFirst.P95 / listFirst.P95:F2}, searched {pageSearched.P95 / listSearched.P95:F2}, both {pageBoth.P95 / listBoth.P95:F2} (target at most 2)");
            Console.WriteLine($"reads: list p95 {list.P95:F2} ms, series p95 {series.P95:F2} ms, page p95 {pageBoth.P95:F2} ms at {consumers} consumers");
            return 0;
        }
        finally
        {
            api.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// With <c>--reuse</c>: the database a run before this one seeded, and a new owner token for its
    /// organization (tokens are shown once and stored hashed, so the first run's is gone); null when there is none.
    /// </summary>
    private static async Task<(string, Guid, string)?> SeededAsync()
    {
        var connection = new NpgsqlConnectionStringBuilder(BenchArgs.Connection) { Database = Database }.ConnectionString;
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connection);
            await using var find = dataSource.CreateCommand(
                $"select organization_id from {OrganizationUsageTable.Name} where active_consumers > 0 limit 1");
            if (await find.ExecuteScalarAsync() is not Guid org) return null;
            await using var store = new DocumentStore(StoreSetup.OptionsBesideNodes(connection));
            var (token, tokenId) = (BearerToken.New(), Guid.CreateVersion7());
            var issued = await new OrganizationWriter(store).ChangeAsync(org,
                o => IssueToken.Decide(o, "bench", "bench", tokenId, BearerToken.Hash(token), DateTimeOffset.UtcNow), default);
            if (issued.IsRefused) return null;
            Console.WriteLine("reusing the database a run before this one seeded");
            return (connection, org, token);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    /// <summary>
    /// A fresh database, an organization and usage through the write path with the async daemon in
    /// this process; returns once every projection caught up.
    /// </summary>
    private static async Task<(string, Guid, string)> SeedAsync(int consumers, int events, int days)
    {
        var connection = await BenchDatabase.FreshAsync(Database);
        var (org, ownerToken, _) = await HttpIngestBench.CreateOrganizationAsync(connection);
        var clock = Stopwatch.StartNew();
        using var host = await BenchHost.StartAsync(connection, asyncDaemon: true);
        var queue = host.Services.GetRequiredService<UsageIngestQueue>();
        const int batch = 500;
        var now = DateTimeOffset.UtcNow;
        await Drive.ConcurrentlyAsync(Enumerable.Range(0, events / batch).ToList(), 8, b => queue.SubmitAsync(
            UsageGenerator.Batch(org, "seed", b * batch, batch, consumers, now.AddDays(-(b % days)).AddMinutes(-(b % 1000))), default));
        await Marten.Events.TestingExtensions.WaitForNonStaleProjectionDataAsync(host.Services.GetRequiredService<IDocumentStore>(), TimeSpan.FromMinutes(10));
        await using (var vacuum = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("vacuum analyze"))
            await vacuum.ExecuteNonQueryAsync();
        await host.StopAsync();
        Console.WriteLine($"seeded, projected and vacuumed in {clock.Elapsed.TotalSeconds:F0} s (not timed)");
        return (connection, org, ownerToken);
    }

    /// <summary>
    /// Waits (at most a minute) until the API, just started, has finished its own start-up work
    /// (the async daemon's first pass, the stored orders owed to every organization): until it used
    /// under a tenth of a core over two seconds, as an idle node does. A node serving the dashboard
    /// has long done that work; timing requests meanwhile would time it too.
    /// </summary>
    private static async Task SettledAsync(Process api)
    {
        var clock = Stopwatch.StartNew();
        var busy = HttpIngestBench.CpuOf(api);
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(2000);
            var now = HttpIngestBench.CpuOf(api);
            if (now - busy < 0.2) break;
            busy = now;
        }
        Console.WriteLine($"api settled {clock.Elapsed.TotalSeconds:F0} s after it was ready");
    }

    /// <summary>The async projections a rebuild was asked for or ran for since <paramref name="since"/>.</summary>
    private static async Task<List<string>> RebuildsSinceAsync(string connection, DateTimeOffset since)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var command = dataSource.CreateCommand(
            $"select distinct projection from {RebuildRequestsTable.Name} where requested_at >= $1 or started_at is not null and (finished_at is null or finished_at >= $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        var projections = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) projections.Add(reader.GetString(0));
        return projections;
    }

    private sealed record Timing(double[] Times)
    {
        public double P50 => Times[Times.Length / 2];
        public double P95 => Times[(int)(Times.Length * 0.95)];

        public static Timing Of(double[] times)
        {
            Array.Sort(times);
            return new Timing(times);
        }
    }

    /// <summary>
    /// Two reads timed turn about, one request at a time, so that whatever else the machine does
    /// weighs on both alike; after <paramref name="untimed"/> untimed pairs.
    /// </summary>
    private static async Task<(Timing, Timing)> TimeSideBySideAsync(
        HttpClient a, Func<int, string> aPath, HttpClient b, Func<int, string> bPath, int requests, int untimed)
    {
        var (aTimes, bTimes) = (new double[requests], new double[requests]);
        for (var i = -untimed; i < requests; i++)
        {
            var aTime = (await TimeAsync(a, _ => aPath(i + untimed), 1, 0)).Times[0];
            var bTime = (await TimeAsync(b, _ => bPath(i + untimed), 1, 0)).Times[0];
            if (i >= 0) (aTimes[i], bTimes[i]) = (aTime, bTime);
        }
        return (Timing.Of(aTimes), Timing.Of(bTimes));
    }

    /// <summary>One request at a time, after <paramref name="untimed"/> untimed; every answer must be 200.</summary>
    private static async Task<Timing> TimeAsync(HttpClient http, Func<int, string> path, int requests, int untimed)
    {
        var times = new double[requests];
        for (var i = -untimed; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path(i + untimed));
            var body = await response.Content.ReadAsByteArrayAsync();
            if ((int)response.StatusCode != 200)
                throw new InvalidOperationException($"GET {path(i + untimed)} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
            if (i >= 0) times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return Timing.Of(times);
    }
}
