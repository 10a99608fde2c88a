using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Webhooks;

/// <summary>Webhooks across API processes on one database: a restart between attempts, and two nodes taking usage at once.</summary>
public sealed class DurableDeliveryTests : IAsyncLifetime
{
    private readonly WebhookReceiver _receiver = new();

    /// <summary>
    /// A node whose webhooks may call loopback and retry once after <paramref name="retryDelay"/> (or on the shipped
    /// schedule), with async projections (which raise the alerts).
    /// </summary>
    private static ApiProcess Node(TimeSpan? retryDelay)
    {
        var settings = new Dictionary<string, string>
        {
            ["Ledger:Webhooks:AllowPrivateAddresses"] = "true",
            ["Ledger:Messaging:PollingInterval"] = "00:00:00.2",
        };
        if (retryDelay is { } delay) settings["Ledger:Webhooks:RetryDelays:0"] = delay.ToString();
        return new ApiProcess { AsyncProjections = true, Settings = settings };
    }

    public Task InitializeAsync() => _receiver.InitializeAsync();

    public Task DisposeAsync() => _receiver.DisposeAsync();

    [Fact]
    public async Task a_delivery_scheduled_for_retry_goes_out_after_ledger_restarts()
    {
        var first = Node(TimeSpan.FromSeconds(3));
        await first.InitializeAsync();
        ApiProcess? second = null;
        try
        {
            var (org, owner, ingest) = await OrganizationAsync(first);
            var hook = await RegisterAsync(owner, org, _receiver.Url("restart", failures: 1));
            await PostUsageAsync(ingest, UsageRecord("r1", "tenant_acme", cost: 0.60m)).SucceededAsync();
            await _receiver.WaitForAsync("restart", 1);
            // The failed attempt is an error in the log, naming the webhook and the status, never the signing secret.
            await first.LoggedAsync($"Webhook {hook}: delivery");
            Assert.Contains("fail: Ledger.Api.Webhooks.Delivering.DeliverWebhook", first.Output, StringComparison.Ordinal);
            Assert.Contains("attempt 1 failed (status 500: answered 500); it will be retried", first.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("whsec_", first.Output, StringComparison.Ordinal);
            await ScheduledAsync(first.ConnectionString); // the retry is in the inbox table, not only in memory
            await first.DisposeAsync();

            second = ApiProcess.NodeBeside(first, asyncProjections: true);
            await second.InitializeAsync();
            var received = await _receiver.WaitForAsync("restart", 2);
            Assert.Single(received.Select(r => r.Id).Distinct());
            var deliveries = await (await second.Client(Token(owner)).GetAsync($"/api/webhooks/{hook}/deliveries?organization_id={org}")).JsonAsync(System.Net.HttpStatusCode.OK);
            Assert.Equal(2, deliveries[0].GetProperty("attempts").GetInt32());
            Assert.NotEqual(JsonValueKind.Null, deliveries[0].GetProperty("delivered_at").ValueKind);
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null) await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task usage_on_two_nodes_at_once_fires_each_threshold_once()
    {
        var one = Node(TimeSpan.FromSeconds(1));
        await one.InitializeAsync();
        var two = ApiProcess.NodeBeside(one, asyncProjections: true);
        await two.InitializeAsync();
        try
        {
            var (org, owner, ingest) = await OrganizationAsync(one);
            await RegisterAsync(owner, org, _receiver.Url("two-nodes"));
            var ingestTwo = two.Client(Token(ingest));
            // 40 posts of $0.05 over both nodes at once: $2 against a $1 budget, each threshold crossed on either node.
            await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
                PostUsageAsync(i % 2 == 0 ? ingest : ingestTwo, UsageRecord($"r{i}", "tenant_acme", cost: 0.05m)).SucceededAsync()));

            var received = await _receiver.WaitForAsync("two-nodes", 3);
            await Task.Delay(TimeSpan.FromSeconds(2)); // would a second node's copy arrive?
            var thresholds = _receiver.At("two-nodes").Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("threshold_percent").GetInt32());
            Assert.Equal([50, 80, 100], thresholds.Order());
            Assert.Equal(3, received.Count);
        }
        finally
        {
            await two.DisposeAsync();
            await one.DisposeAsync();
        }
    }

    [Fact]
    public async Task by_default_a_failed_delivery_is_retried_after_5_seconds_and_then_after_5_minutes()
    {
        var api = Node(retryDelay: null);
        await api.InitializeAsync();
        try
        {
            var (org, owner, ingest) = await OrganizationAsync(api);
            await RegisterAsync(owner, org, _receiver.Url("default-schedule", failures: 100));
            await PostUsageAsync(ingest, UsageRecord("r1", "tenant_acme", cost: 0.60m)).SucceededAsync();

            await _receiver.WaitForAsync("default-schedule", 1);
            var first = Stopwatch.StartNew();
            await _receiver.WaitForAsync("default-schedule", 2, seconds: 20);
            Assert.InRange(first.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(9)); // Standard Webhooks: 5 s
            Assert.InRange(await NextAttemptInAsync(api.ConnectionString), TimeSpan.FromMinutes(4.5), TimeSpan.FromMinutes(5.5)); // then 5 min
            Assert.Equal(2, _receiver.At("default-schedule").Count);

            // Wolverine's own meters reach /metrics. This process is the only host on its database, so both failed
            // attempts were its own handler's, and its meter counts them (once the handler has seen the second answer).
            Assert.Equal(2, await WolverineFailuresAsync(api, expected: 2));
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    /// <summary>Wolverine's count of failed webhook attempts on the node's scrape, once it reaches <paramref name="expected"/> or after 10 s.</summary>
    private static async Task<double> WolverineFailuresAsync(ApiProcess api, double expected)
    {
        using var anonymous = api.Client();
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(200))
        {
            var failures = MetricsScrape.Value(await anonymous.GetStringAsync("/metrics"), "wolverine_execution_failure_Messages_total",
                "message_type=\"Ledger.Api.Webhooks.Delivering.DeliverWebhook\"");
            if (failures >= expected || clock.Elapsed > TimeSpan.FromSeconds(10)) return failures;
        }
    }

    /// <summary>How long until the retry Wolverine scheduled in its inbox table is due.</summary>
    private static async Task<TimeSpan> NextAttemptInAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(50))
        {
            await using var command = new NpgsqlCommand(
                "select extract(epoch from min(execution_time) - now()) from wolverine.wolverine_incoming_envelopes where status = 'Scheduled'", connection);
            if (await command.ExecuteScalarAsync() is decimal seconds) return TimeSpan.FromSeconds((double)seconds);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "no retry was scheduled");
        }
    }

    private static async Task<(Guid Org, HttpClient Owner, HttpClient Ingest)> OrganizationAsync(ApiProcess api)
    {
        var created = await api.OrganizationAsync();
        var owner = api.Client(created.OwnerToken);
        await PreRegisterAsync(owner, created.OrganizationId, "tenant_acme", maxBudget: 1.00m).SucceededAsync();
        return (created.OrganizationId, owner, api.Client(created.IngestToken));
    }

    private static async Task<string> RegisterAsync(HttpClient owner, Guid org, string url) =>
        (await (await owner.PostAsJsonAsync("/api/webhooks", new { organization_id = org, url, events = new[] { "budget.threshold_crossed" } }))
            .JsonAsync(System.Net.HttpStatusCode.Created)).GetProperty("id").GetString()!;

    private static string Token(HttpClient client) => client.DefaultRequestHeaders.Authorization!.Parameter!;

    private static async Task ScheduledAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(50))
        {
            await using var command = new NpgsqlCommand("select count(*) from wolverine.wolverine_incoming_envelopes where status = 'Scheduled'", connection);
            if ((long)(await command.ExecuteScalarAsync())! > 0) return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "no retry was scheduled");
        }
    }
}
