using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.MetricsScrape;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Telemetry;

/// <summary>
/// GET /metrics on the API as <c>./ledger up</c> runs it (one host in its process, as in production):
/// what an operator scrapes to see ingest, admissions, latency and projection lag without a benchmark.
/// </summary>
[Collection(ApiProcessCollection.Name)]
public sealed class MetricsTests(ApiProcess api)
{
    [Fact]
    public async Task the_scrape_counts_stored_usage_admissions_by_outcome_and_request_durations_without_a_token()
    {
        var org = await api.OrganizationAsync();
        using var ingest = api.Client(org.IngestToken);
        using var owner = api.Client(org.OwnerToken);
        var before = await ScrapeAsync();

        await (await PostUsageAsync(ingest, UsageRecord("m1"), UsageRecord("m2"), UsageRecord("m3"))).JsonAsync(HttpStatusCode.Accepted);
        await (await PostUsageAsync(ingest, UsageRecord("m1"))).JsonAsync(HttpStatusCode.Accepted);
        await (await PreRegisterAsync(owner, org.OrganizationId, "tenant_acme", rpm: 1)).JsonAsync(HttpStatusCode.OK);
        await AdmittedAsync(ingest, "a1");
        await (await AdmitAsync(ingest, "a2")).ProblemAsync(HttpStatusCode.TooManyRequests);
        var after = await ScrapeAsync();

        Assert.Equal(3, Value(after, "ledger_usage_stored_total") - Value(before, "ledger_usage_stored_total"));
        Assert.Equal(1, Value(after, "ledger_usage_duplicates_total") - Value(before, "ledger_usage_duplicates_total"));
        string[] admitted = ["outcome=\"admitted\""], rejected = ["limit_kind=\"rpm\"", "outcome=\"rejected\"", "scope=\"consumer\""];
        Assert.Equal(1, Value(after, "ledger_admissions_total", admitted) - Value(before, "ledger_admissions_total", admitted));
        Assert.Equal(1, Value(after, "ledger_admissions_total", rejected) - Value(before, "ledger_admissions_total", rejected));
        Assert.NotEmpty(Series(after, "http_server_request_duration_seconds_count", "http_route=\"/v1/admissions\""));
        Assert.NotEmpty(Series(after, "db_client_connection_count"));
        Assert.DoesNotContain("Host=", after); // no connection string in a scrape anyone may read
    }

    [Fact]
    public async Task the_scrape_shows_each_async_projections_lag()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string scrape;
        do scrape = await ScrapeAsync(); // the lag is read every 5 s, the first time at start
        while (!scrape.Contains("ledger_projection_lag{", StringComparison.Ordinal) && DateTime.UtcNow < deadline && await Delay());

        Assert.Single(Series(scrape, "ledger_projection_lag", "projection=\"daily_activity\""));
        Assert.Single(Series(scrape, "ledger_projection_lag", "projection=\"spend_log\""));
    }

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
