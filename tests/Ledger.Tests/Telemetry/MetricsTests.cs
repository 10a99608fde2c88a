using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Telemetry;

/// <summary>GET /metrics: what an operator scrapes to see ingest, admissions, latency and projection lag without a benchmark.</summary>
[Collection(LedgerCollection.Name)]
public sealed partial class MetricsTests(LedgerApp app)
{
    [Fact]
    public async Task the_scrape_counts_stored_usage_admissions_by_outcome_and_request_durations_without_a_token()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var before = await ScrapeAsync();

        await (await PostUsageAsync(org.Ingest, UsageRecord("m1"), UsageRecord("m2"), UsageRecord("m3"))).JsonAsync(HttpStatusCode.Accepted);
        await (await PostUsageAsync(org.Ingest, UsageRecord("m1"))).JsonAsync(HttpStatusCode.Accepted);
        await (await OverrideAsync(org, "tenant_acme", new { rpm_limit = 1 })).JsonAsync(HttpStatusCode.OK);
        await AdmittedAsync(org.Ingest, "a1");
        await (await AdmitAsync(org.Ingest, "a2")).ProblemAsync(HttpStatusCode.TooManyRequests);
        var after = await ScrapeAsync();

        Assert.True(Value(after, "ledger_usage_stored_total") - Value(before, "ledger_usage_stored_total") >= 3, after);
        Assert.True(Value(after, "ledger_usage_duplicates_total") - Value(before, "ledger_usage_duplicates_total") >= 1, after);
        Assert.True(Value(after, "ledger_admissions_total", "outcome=\"admitted\"") >= 1, after);
        Assert.True(Value(after, "ledger_admissions_total", "limit_kind=\"rpm\"", "outcome=\"rejected\"", "scope=\"consumer\"") >= 1, after);
        Assert.Contains("http_server_request_duration_seconds_bucket{", after);
        Assert.Contains("http_route=\"/v1/admissions\"", after);
        Assert.Contains("db_client_connection_count{", after);
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
        var response = await app.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The lines of the series <paramref name="name"/> that carry every one of <paramref name="labels"/>.</summary>
    private static IEnumerable<string> Series(string scrape, string name, params string[] labels) =>
        scrape.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)));

    /// <summary>The sum of those series' values (0 when there is none).</summary>
    private static double Value(string scrape, string name, params string[] labels) =>
        Series(scrape, name, labels).Select(l => double.Parse(SampleValue().Match(l).Groups[1].Value, CultureInfo.InvariantCulture)).Sum();

    [GeneratedRegex(@"\}\s([0-9.eE+-]+)(\s\d+)?$")]
    private static partial Regex SampleValue();
}
