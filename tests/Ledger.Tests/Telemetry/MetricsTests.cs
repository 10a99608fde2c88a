using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.MetricsScrape;
using static Ledger.Tests.Infrastructure.Scenarios;
using static Ledger.Tests.Usage.OtlpRequests;

namespace Ledger.Tests.Telemetry;

/// <summary>
/// GET /metrics on the API as <c>./ledger up</c> runs it (one host in its process, as in production):
/// what an operator scrapes to see ingest, admissions, latency and projection lag without a benchmark.
/// The tests of this collection run one after another, so a difference between two scrapes is what the test did.
/// </summary>
[Collection(ApiProcessCollection.Name)]
public sealed class MetricsTests(ApiProcess api)
{
    [Fact]
    public async Task the_scrape_counts_usage_records_accepted_duplicate_and_refused_on_every_usage_endpoint()
    {
        var org = await api.OrganizationAsync();
        using var ingest = api.Client(org.IngestToken);
        using var stranger = api.Client("not-a-token");
        var before = await ScrapeAsync();

        await (await PostUsageAsync(ingest, UsageRecord("m1"), UsageRecord("m2"), UsageRecord("m3"))).JsonAsync(HttpStatusCode.Accepted);
        await (await PostUsageAsync(ingest, UsageRecord("m1"))).JsonAsync(HttpStatusCode.Accepted);
        await (await PostUsageAsync(ingest, UsageRecord("m4"), UsageRecord("m5", input: -1))).ProblemAsync(HttpStatusCode.BadRequest); // refused whole
        await (await PostUsageAsync(stranger, UsageRecord("m6"))).ProblemAsync(HttpStatusCode.Unauthorized); // counted as one
        await (await PostRawAsync(ingest, "/v1/integrations/litellm", "[{")).ProblemAsync(HttpStatusCode.BadRequest); // unreadable: one
        var traces = new ByteArrayContent(Export([], GenAi(), GenAi(input: -1)).ToByteArray());
        traces.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/v1/traces", traces)).StatusCode); // one span stored, one refused
        var after = await ScrapeAsync();

        Assert.Equal(4, Delta(before, after, "ledger_usage_records_total", "outcome=\"accepted\""));
        Assert.Equal(1, Delta(before, after, "ledger_usage_records_total", "outcome=\"duplicate\""));
        Assert.Equal(2 + 1 + 1 + 1, Delta(before, after, "ledger_usage_records_total", "outcome=\"refused\""));
        Assert.All(Series(after, "ledger_usage_records_total"), s => Assert.DoesNotContain(org.OrganizationId.ToString(), s, StringComparison.Ordinal));
        Assert.DoesNotContain("Host=", after); // no connection string in a scrape anyone may read
    }

    [Fact]
    public async Task the_scrape_shows_how_long_admissions_took_by_outcome_and_request_durations_without_a_token()
    {
        var org = await api.OrganizationAsync();
        using var ingest = api.Client(org.IngestToken);
        using var owner = api.Client(org.OwnerToken);
        await (await PreRegisterAsync(owner, org.OrganizationId, "tenant_acme", rpm: 1)).JsonAsync(HttpStatusCode.Created);
        var before = await ScrapeAsync();

        await AdmittedAsync(ingest, "a1");
        await (await AdmitAsync(ingest, "a2")).ProblemAsync(HttpStatusCode.TooManyRequests);
        var after = await ScrapeAsync();

        string[] admitted = ["outcome=\"admitted\""], rejected = ["limit_kind=\"rpm\"", "outcome=\"rejected\"", "scope=\"consumer\""];
        Assert.Equal(1, Delta(before, after, "ledger_admission_duration_seconds_count", admitted));
        Assert.Equal(1, Delta(before, after, "ledger_admission_duration_seconds_count", rejected));
        Assert.Equal(1, Delta(before, after, "ledger_admission_duration_seconds_bucket", [.. rejected, "le=\"+Inf\""]));
        Assert.InRange(Delta(before, after, "ledger_admission_duration_seconds_sum", admitted), double.Epsilon, 10);
        Assert.NotEmpty(Series(after, "http_server_request_duration_seconds_count", "http_route=\"/v1/admissions\""));
        Assert.NotEmpty(Series(after, "db_client_connection_count"));
    }

    [Fact]
    public async Task the_scrape_shows_group_commit_batch_sizes_by_queue()
    {
        var org = await api.OrganizationAsync();
        using var ingest = api.Client(org.IngestToken);
        var before = await ScrapeAsync();

        // One post at a time: each is a transaction of one item.
        await (await PostUsageAsync(ingest, UsageRecord("g1"), UsageRecord("g2"))).JsonAsync(HttpStatusCode.Accepted);
        await (await PostUsageAsync(ingest, UsageRecord("g3"))).JsonAsync(HttpStatusCode.Accepted);
        await AdmittedAsync(ingest, "g4");
        var after = await ScrapeAsync();

        string[] usage = ["queue=\"usage_ingest\""], admission = ["queue=\"admission\""];
        Assert.Equal(2, Delta(before, after, "ledger_group_commit_batch_size_count", usage));
        Assert.Equal(2, Delta(before, after, "ledger_group_commit_batch_size_bucket", [.. usage, "le=\"1\""]));
        Assert.Equal(1, Delta(before, after, "ledger_group_commit_batch_size_count", admission));
    }

    [Fact]
    public async Task the_scrape_shows_where_admissions_were_decided()
    {
        var org = await api.OrganizationAsync();
        using var ingest = api.Client(org.IngestToken);
        var before = await ScrapeAsync();

        // A consumer's first request waits for the database, which leases its scopes to the node; the next is
        // decided in memory, and a retry of it is answered as before.
        await AdmittedAsync(ingest, "d1", user: "tenant_decided");
        await AdmittedAsync(ingest, "d2", user: "tenant_decided");
        await AdmittedAsync(ingest, "d2", user: "tenant_decided");
        var after = await ScrapeAsync();

        Assert.Equal(1, Delta(before, after, "ledger_admission_decisions_total", "decided_by=\"database\""));
        Assert.Equal(1, Delta(before, after, "ledger_admission_decisions_total", "decided_by=\"lease\""));
        Assert.Equal(1, Delta(before, after, "ledger_admission_decisions_total", "decided_by=\"retry\""));
    }

    [Fact]
    public async Task the_scrape_shows_each_async_projections_lag_in_events_and_seconds()
    {
        // This process runs no async projection, so what is posted stays behind and ages.
        var org = await api.OrganizationAsync();
        using var ingest = api.Client(org.IngestToken);
        await (await PostUsageAsync(ingest, UsageRecord("l1"))).JsonAsync(HttpStatusCode.Accepted);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string scrape;
        do scrape = await ScrapeAsync(); // the lag is read every 5 s, the first time at start
        while (Value(scrape, "ledger_projection_delay_seconds", "projection=\"daily_activity\"") < 1 && DateTime.UtcNow < deadline && await Delay());

        foreach (var projection in new[] { "projection=\"daily_activity\"", "projection=\"spend_log\"" })
        {
            Assert.True(Value(scrape, "ledger_projection_lag", projection) >= 1, scrape);
            Assert.True(Value(scrape, "ledger_projection_delay_seconds", projection) >= 1, scrape);
        }
    }

    [Fact]
    public async Task no_organization_key_team_consumer_or_token_appears_anywhere_in_the_scrape()
    {
        // Distinctive ids, through every path that records metrics: admissions decided in the database and by
        // lease, a rejection naming the consumer's cap, usage on every usage endpoint, reads and a 404.
        var org = await api.OrganizationAsync();
        using var ingest = api.Client(org.IngestToken);
        using var owner = api.Client(org.OwnerToken);
        const string consumer = "tenant_scrape_8f3a", key = "key_scrape_77", team = "team_scrape_42";
        await (await PreRegisterAsync(owner, org.OrganizationId, consumer, rpm: 2)).JsonAsync(HttpStatusCode.Created);
        await AdmittedAsync(ingest, "s1", user: consumer, key: key, team: team);
        await AdmittedAsync(ingest, "s2", user: consumer, key: key, team: team);
        await (await AdmitAsync(ingest, "s3", user: consumer, key: key, team: team)).ProblemAsync(HttpStatusCode.TooManyRequests);
        await (await PostUsageAsync(ingest, UsageRecord("s1", user: consumer, key: key, team: team))).JsonAsync(HttpStatusCode.Accepted);
        await (await PostRawAsync(ingest, "/v1/integrations/litellm", "[{")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/end-users?organization_id={org.OrganizationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await owner.GetAsync($"/api/end-users/overrides?organization_id={Guid.NewGuid()}&end_user_id={consumer}")).StatusCode);

        var scrape = await ScrapeAsync();

        Assert.Contains("ledger_admission_duration_seconds_count", scrape, StringComparison.Ordinal);
        foreach (var id in new[] { org.OrganizationId.ToString(), org.OrganizationId.ToString("N"), consumer, key, team, org.OwnerToken, org.IngestToken })
            Assert.DoesNotContain(id, scrape, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task with_metrics_turned_off_nothing_is_scraped_and_usage_is_still_stored()
    {
        var off = new ApiProcess { Settings = new Dictionary<string, string> { ["Ledger:Metrics:Enabled"] = "false" } };
        await off.InitializeAsync();
        try
        {
            var org = await off.OrganizationAsync();
            using var ingest = off.Client(org.IngestToken);
            using var anonymous = off.Client();
            await (await PostUsageAsync(ingest, UsageRecord("o1"))).JsonAsync(HttpStatusCode.Accepted);
            // The path then falls to the dashboard's /{org} page, which is no scrape.
            Assert.DoesNotContain("# TYPE", await anonymous.GetStringAsync("/metrics"), StringComparison.Ordinal);
        }
        finally
        {
            await off.DisposeAsync();
        }
    }

    private static double Delta(string before, string after, string name, params string[] labels) =>
        Value(after, name, labels) - Value(before, name, labels);

    private static async Task<bool> Delay()
    {
        await Task.Delay(250);
        return true;
    }

    private async Task<string> ScrapeAsync()
    {
        using var anonymous = api.Client();
        var response = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
