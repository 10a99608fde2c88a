using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.SpendLog;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Money;

/// <summary>
/// Costs as gateways really send them (LiteLLM's float <c>response_cost</c>, amounts finer than a
/// decimal can sum) are kept to ten places, half away from zero, and every read of them answers.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class SpendPrecisionTests(LedgerApp app)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>One usage record with its cost written as the gateway wrote it, not as C# would.</summary>
    private static string Record(string requestId, string user, string cost) =>
        $$"""{"request_id":"{{requestId}}","key_id":"key_prod_1","user":"{{user}}","model":"gpt-4o","input_tokens":10,"output_tokens":5,"cost_usd":{{cost}},"status":"success"}""";

    private static async Task PostAsync(Scenarios.TestOrganization org, params string[] records) =>
        await (await PostRawAsync(org.Ingest, "/v1/usage", $"[{string.Join(",", records)}]")).JsonAsync(HttpStatusCode.Accepted);

    /// <summary>c1 (markup 20 %, a daily budget) with LiteLLM's float costs, c2 with a plain fine cost, c3 with 1e-28 beside 1.5.</summary>
    private async Task<Scenarios.TestOrganization> GivenFineCostsAsync()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "c1", new { markup_percentage = 20m, budget_duration = "daily", period_budget = 1m })).JsonAsync(HttpStatusCode.OK);
        await PostAsync(org,
            Record("r1", "c1", "0.00022500000000000002"), Record("r2", "c1", "2.2500000000000002e-05"),
            Record("r3", "c2", "0.000123456"),
            Record("r4", "c3", "1e-28"), Record("r5", "c3", "1.5"));
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        return org;
    }

    [Fact]
    public async Task a_float_cost_with_markup_gives_the_daily_series_rounded_to_ten_places()
    {
        var org = await GivenFineCostsAsync();

        var series = await (await org.Owner.GetAsync(
            $"/api/consumers/c1/activity?organization_id={org.Id}&start_date={Today:yyyy-MM-dd}&end_date={Today:yyyy-MM-dd}")).JsonAsync(HttpStatusCode.OK);

        var today = series.GetProperty("days")[0];
        Assert.Equal(0.0002475m, today.GetProperty("spend").GetDecimal()); // 0.000225 + 0.0000225
        Assert.Equal(0.000297m, today.GetProperty("spend_with_markup").GetDecimal()); // exactly 1.2 times that
        Assert.Equal(0.0002475m, today.GetProperty("models").GetProperty("gpt-4o").GetProperty("spend").GetDecimal());
    }

    [Fact]
    public async Task the_list_summary_totals_and_export_answer_with_the_rounded_figures()
    {
        var org = await GivenFineCostsAsync();

        var list = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}&sort=end_user_id&order=asc")).JsonAsync(HttpStatusCode.OK);
        var spend = list.GetProperty("consumers").EnumerateArray()
            .ToDictionary(c => c.GetProperty("end_user_id").GetString()!, c => c.GetProperty("total_spend").GetDecimal());
        Assert.Equal(new Dictionary<string, decimal> { ["c1"] = 0.0002475m, ["c2"] = 0.000123456m, ["c3"] = 1.5m }, spend);

        var summary = await (await org.Owner.GetAsync($"/api/consumers/summary?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("c3", summary.GetProperty("top_consumer").GetProperty("end_user_id").GetString());
        Assert.Equal(1.5m, summary.GetProperty("top_consumer").GetProperty("spend").GetDecimal());
        Assert.Equal([1.5m, 0.0002475m, 0.000123456m], summary.GetProperty("chart").EnumerateArray().Select(s => s.GetProperty("spend").GetDecimal()));

        var totals = await (await org.Owner.GetAsync($"/api/usage/totals?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1.500370956m, totals.GetProperty("total_spend").GetDecimal());

        var export = await (await org.Owner.GetAsync("/v1/activity?user=c3")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([1.5m, 0m], export.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("cost_usd").GetDecimal()).OrderDescending());
        var csv = await (await org.Owner.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/activity?user=c1") { Headers = { { "Accept", "text/csv" } } }))
            .Content.ReadAsStringAsync();
        Assert.Contains(",0.0000225,", csv);
        Assert.Contains(",0.000225,", csv);
    }

    [Fact]
    public async Task a_period_budget_counts_the_rounded_spend_and_refuses_once_it_is_reached()
    {
        var org = await GivenFineCostsAsync();
        await (await PutOverrideAsync(org.Owner, org.Id, "c1", new { markup_percentage = 20m, budget_duration = "daily", period_budget = 0.0002475m }))
            .JsonAsync(HttpStatusCode.OK);

        var refused = await (await AdmitAsync(org.Ingest, "a1", user: "c1")).ProblemAsync(HttpStatusCode.PaymentRequired);

        Assert.Equal("period_budget", refused.GetProperty("limit_kind").GetString());
        Assert.Equal(0.0002475m, refused.GetProperty("current").GetDecimal());
        await AdmittedAsync(org.Ingest, "a2", user: "c2");
    }

    [Fact]
    public async Task the_anomaly_cohort_sums_fine_costs_and_flags_by_them()
    {
        var org = await app.Scenarios.OrganizationAsync();
        // Five consumers at 0.0000000001 each (LiteLLM's float noise beyond ten places is dropped) and one at
        // 0.0000000031: mean 0.0000000036 / 6 = 0.0000000006, ratio 31 / 6 = 5.1667.
        await PostAsync(org, [.. Enumerable.Range(0, 5).Select(i => Record($"n{i}", $"n{i}", "1.0000000000000001e-10")), Record("big", "big", "3.1e-09")]);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        var list = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);

        var anomalies = list.GetProperty("consumers").EnumerateArray().ToDictionary(c => c.GetProperty("end_user_id").GetString()!, c => c.GetProperty("anomaly"));
        Assert.Equal(5.1667m, anomalies["big"].GetProperty("spend_ratio").GetDecimal());
        Assert.All(anomalies.Where(a => a.Key != "big"), a => Assert.Equal(JsonValueKind.Null, a.Value.ValueKind));
    }

    [Fact]
    public async Task a_rebuild_from_history_gives_the_same_rounded_rows()
    {
        var org = await GivenFineCostsAsync();
        string[] tables = [DailyActivityTables.Days, DailyActivityTables.Models, SpendLogTable.Name];
        var live = new List<IReadOnlyList<string>>();
        foreach (var table in tables) live.Add(await TableRows.OfAsync(app.ConnectionString, table, org.Id));
        Assert.All(live, rows => Assert.NotEmpty(rows));

        await using (var wipe = new NpgsqlConnection(app.ConnectionString))
        {
            await wipe.OpenAsync();
            foreach (var table in tables) await new NpgsqlCommand($"delete from {table} where organization_id = '{org.Id}'", wipe).ExecuteNonQueryAsync();
        }
        using var daemon = await app.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(DailyActivityProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);
        await daemon.RebuildProjectionAsync(SpendLogProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);

        for (var i = 0; i < tables.Length; i++) Assert.Equal(live[i], await TableRows.OfAsync(app.ConnectionString, tables[i], org.Id));
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("2000000")]
    [InlineData("-0.0001")]
    public async Task a_cost_it_cannot_keep_is_refused_naming_cost_usd_and_nothing_is_stored(string cost)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await PostRawAsync(org.Ingest, "/v1/usage", $"[{Record("ok", "c1", "0.5")},{Record("bad", "c1", cost)}]"))
            .ProblemAsync(HttpStatusCode.BadRequest);

        var error = Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal("records[1].cost_usd", error.Name);
        Assert.Matches("28 digits|0 to 1000000", error.Value[0].GetString()!);
        var totals = await (await org.Owner.GetAsync($"/api/usage/totals?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, totals.GetProperty("requests").GetInt64());
    }

    [Theory]
    [InlineData("max_budget", 0.12345678901)]
    [InlineData("period_budget", 0.00000000001)]
    [InlineData("markup_percentage", 12.34567)]
    public async Task a_cap_or_markup_finer_than_ledger_keeps_is_refused_naming_the_field(string field, double value)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var fields = new Dictionary<string, object?> { ["organization_id"] = org.Id, ["end_user_id"] = "c1", [field] = (decimal)value };
        if (field == "period_budget") fields["budget_duration"] = "daily";

        var problem = await (await org.Owner.PutAsJsonAsync("/api/end-users/overrides", fields)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }
}
