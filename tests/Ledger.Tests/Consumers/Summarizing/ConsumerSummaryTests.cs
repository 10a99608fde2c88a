using System.Net;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Consumers.Listing.ScopeTests;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Summarizing;

/// <summary>GET /api/consumers/summary: the current month's top consumer and spend chart.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ConsumerSummaryTests(LedgerApp app)
{
    private async Task<JsonElement> SummaryAfterAsync(params (string User, decimal Cost, DateTimeOffset? At)[] usage)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var records = usage.Select((u, i) => UsageRecord($"r{i}", user: u.User, cost: u.Cost, at: u.At)).ToArray();
        await (await PostUsageAsync(org.Ingest, records)).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        return await (await org.Owner.GetAsync($"/api/consumers/summary?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task with_three_active_consumers_the_top_spender_and_the_chart_of_this_months_spend_are_shown()
    {
        var lastMonth = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(-1);
        var summary = await SummaryAfterAsync(
            ("tenant_a", 1.00m, null), ("tenant_a", 0.50m, null), ("tenant_b", 2.00m, null), ("tenant_c", 0.25m, null),
            ("tenant_d", 100m, lastMonth)); // last month's spend is not this period's

        var start = summary.GetProperty("period_start").GetDateTimeOffset();
        Assert.Equal(new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(start.AddMonths(1), summary.GetProperty("period_end").GetDateTimeOffset());
        Assert.Equal("tenant_b", summary.GetProperty("top_consumer").GetProperty("end_user_id").GetString());
        Assert.Equal(2.00m, summary.GetProperty("top_consumer").GetProperty("spend").GetDecimal());
        Assert.Equal(["tenant_b:2", "tenant_a:1.5", "tenant_c:0.25"],
            summary.GetProperty("chart").EnumerateArray().Select(b => $"{b.GetProperty("end_user_id").GetString()}:{b.GetProperty("spend").GetDecimal()}"));
    }

    [Fact]
    public async Task consumers_below_the_largest_hundred_enter_the_chart_when_they_overtake_them_later()
    {
        var org = await app.Scenarios.OrganizationAsync();
        // 130 consumers spending $0.01 to $1.30: the first 30 are not among the month's hundred largest.
        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 130)
            .Select(i => UsageRecord($"a{i}", user: $"tenant_{i:000}", cost: (i + 1) * 0.01m)).ToArray())).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        await (await PostUsageAsync(org.Ingest,
            UsageRecord("b0", user: "tenant_000", cost: 5m), // from last place to first
            UsageRecord("b1", user: "tenant_005", cost: 1.25m), // from outside the hundred to a tie for second ($1.31)
            UsageRecord("b2", user: "tenant_129", cost: 0.01m))).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        var summary = await (await org.Owner.GetAsync($"/api/consumers/summary?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("tenant_000", summary.GetProperty("top_consumer").GetProperty("end_user_id").GetString());
        Assert.Equal(
            ["tenant_000:5.01", "tenant_005:1.31", "tenant_129:1.31", .. Enumerable.Range(0, 7).Select(i => $"tenant_{128 - i}:{(129 - i) * 0.01m}")],
            summary.GetProperty("chart").EnumerateArray().Select(b => $"{b.GetProperty("end_user_id").GetString()}:{b.GetProperty("spend").GetDecimal()}"));
    }

    [Fact]
    public async Task two_active_consumers_get_a_top_spender_but_no_chart_and_one_gets_neither()
    {
        var two = await SummaryAfterAsync(("tenant_a", 1m, null), ("tenant_b", 2m, null));
        var one = await SummaryAfterAsync(("tenant_a", 1m, null));

        Assert.Equal("tenant_b", two.GetProperty("top_consumer").GetProperty("end_user_id").GetString());
        Assert.Equal(JsonValueKind.Null, two.GetProperty("chart").ValueKind);
        Assert.Equal(JsonValueKind.Null, one.GetProperty("top_consumer").ValueKind);
        Assert.Equal(JsonValueKind.Null, one.GetProperty("chart").ValueKind);
    }

    [Fact]
    public async Task another_organization_answers_404()
    {
        var mine = await app.Scenarios.OrganizationAsync();
        var theirs = await app.Scenarios.OrganizationAsync();

        await (await mine.Owner.GetAsync($"/api/consumers/summary?organization_id={theirs.Id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task a_members_summary_ranks_only_the_consumers_of_its_keys(string role)
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, role);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        async Task<JsonElement> SummaryAsync(HttpClient client) =>
            await (await client.GetAsync($"/api/consumers/summary?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);

        var mine = await SummaryAsync(mia);
        var all = await SummaryAsync(org.Owner);

        // mia sees "mine" and "both": a top spender, but two consumers get no chart; "theirs", the organization's top, is not hers.
        Assert.Equal("both", mine.GetProperty("top_consumer").GetProperty("end_user_id").GetString());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("chart").ValueKind);
        Assert.Equal("theirs", all.GetProperty("top_consumer").GetProperty("end_user_id").GetString());
        Assert.Equal(4, all.GetProperty("chart").GetArrayLength());
    }
}
