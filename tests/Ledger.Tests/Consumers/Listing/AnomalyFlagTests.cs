using System.Net;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Listing;

/// <summary>The consumer list's anomaly flag: this month's spend and requests against the organization's active cohort.</summary>
[Collection(LedgerCollection.Name)]
public sealed class AnomalyFlagTests(LedgerApp app)
{
    private async Task<Dictionary<string, JsonElement>> ListAfterAsync(params (string User, int Requests, decimal Cost)[] usage)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var records = usage.SelectMany(u => Enumerable.Range(0, u.Requests).Select(i => UsageRecord($"{u.User}-{i}", user: u.User, cost: u.Cost / u.Requests)))
            .ToArray();
        await (await PostUsageAsync(org.Ingest, records)).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var list = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        return list.GetProperty("consumers").EnumerateArray().ToDictionary(c => c.GetProperty("end_user_id").GetString()!, c => c.GetProperty("anomaly"));
    }

    [Fact]
    public async Task a_consumer_spending_more_than_five_times_the_cohort_mean_is_flagged_and_the_others_are_not()
    {
        // Spend 1, 1, 1, 1, 1, 30 over one request each: mean 35/6, ratio 36/7 = 5.1429.
        var rows = await ListAfterAsync(("c0", 1, 1m), ("c1", 1, 1m), ("c2", 1, 1m), ("c3", 1, 1m), ("c4", 1, 1m), ("big", 1, 30m));

        var anomaly = rows["big"];
        Assert.Equal(5.1429m, anomaly.GetProperty("spend_ratio").GetDecimal());
        Assert.Equal(0.0, anomaly.GetProperty("request_zscore").GetDouble());
        Assert.Equal(["spend_above_5x_cohort_mean"], anomaly.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.All(rows.Where(r => r.Key != "big"), r => Assert.Equal(JsonValueKind.Null, r.Value.ValueKind));
    }

    [Fact]
    public async Task the_cohort_statistics_add_up_over_usage_projected_in_separate_batches()
    {
        // Ten consumers with one request, one with eleven (five, then six more later): mean 21/11, population
        // deviation sqrt(1000/121), so the heavy one's z-score is exactly sqrt(10) = 3.1623.
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, [.. Enumerable.Range(0, 10).Select(i => UsageRecord($"c{i}", user: $"c{i}", cost: 1m)),
            .. Enumerable.Range(0, 5).Select(i => UsageRecord($"heavy-{i}", user: "heavy", cost: 0.1m))])).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        await (await PostUsageAsync(org.Ingest, [.. Enumerable.Range(5, 6).Select(i => UsageRecord($"heavy-{i}", user: "heavy", cost: 0.1m))]))
            .JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        var list = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        var rows = list.GetProperty("consumers").EnumerateArray().ToDictionary(c => c.GetProperty("end_user_id").GetString()!, c => c.GetProperty("anomaly"));

        Assert.Equal(11, rows.Count);
        Assert.Equal(3.1623, rows["heavy"].GetProperty("request_zscore").GetDouble());
        Assert.Equal(["requests_above_3_sd"], rows["heavy"].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.All(rows.Where(r => r.Key != "heavy"), r => Assert.Equal(JsonValueKind.Null, r.Value.ValueKind));
    }

    [Fact]
    public async Task a_cohort_of_two_is_never_flagged()
    {
        var rows = await ListAfterAsync(("c0", 1, 0.01m), ("big", 5, 1000m));

        Assert.All(rows.Values, a => Assert.Equal(JsonValueKind.Null, a.ValueKind));
    }
}
