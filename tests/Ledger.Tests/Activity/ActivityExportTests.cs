using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Consumers.Listing.ScopeTests;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Activity;

/// <summary>GET /v1/activity: the per-request export from the spend log, newest first, 90 days back.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ActivityExportTests(LedgerApp app)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private async Task<TestOrganization> WithUsageAsync(params object[] records)
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, records)).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        return org;
    }

    private static async Task<JsonElement> PageAsync(HttpClient client, string query = "") =>
        await (await client.GetAsync($"/v1/activity?{query}")).JsonAsync(HttpStatusCode.OK);

    private static List<string> Ids(JsonElement page) =>
        [.. page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("request_id").GetString()!)];

    [Fact]
    public async Task settled_requests_are_listed_newest_first_with_what_each_used()
    {
        var org = await WithUsageAsync(
            UsageRecord("old", input: 10, output: 5, cost: 0.002m, at: Now.AddDays(-3)),
            UsageRecord("new", user: "tenant_globex", input: 100, output: 50, cost: 0.02m, status: "error", at: Now.AddMinutes(-1), model: "claude-sonnet-4"));

        var page = await PageAsync(org.Owner);

        Assert.Equal(["new", "old"], Ids(page));
        var first = page.GetProperty("data")[0];
        Assert.Equal("tenant_globex", first.GetProperty("user").GetString());
        Assert.Equal("claude-sonnet-4", first.GetProperty("model").GetString());
        Assert.Equal("key_prod_1", first.GetProperty("key_id").GetString());
        Assert.Equal(100, first.GetProperty("input_tokens").GetInt64());
        Assert.Equal(50, first.GetProperty("output_tokens").GetInt64());
        Assert.Equal(0.02m, first.GetProperty("cost_usd").GetDecimal());
        Assert.Equal("error", first.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task the_cursor_walks_every_row_once_while_new_usage_arrives()
    {
        var org = await WithUsageAsync([.. Enumerable.Range(0, 7).Select(i => UsageRecord($"r{i}", at: Now.AddMinutes(-10 + i)))]);

        var first = await PageAsync(org.Ingest, "limit=3");
        await (await PostUsageAsync(org.Ingest, UsageRecord("late-newest", at: Now), UsageRecord("late-middle", at: Now.AddMinutes(-7.5))))
            .JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var second = await PageAsync(org.Ingest, $"limit=3&cursor={first.GetProperty("next_cursor").GetString()}");
        var third = await PageAsync(org.Ingest, $"limit=3&cursor={second.GetProperty("next_cursor").GetString()}");

        Assert.Equal(["r6", "r5", "r4"], Ids(first));
        // What arrived after the first page and sorts past its end is not skipped; nothing repeats; the newest waits for a new walk.
        Assert.Equal(["r3", "late-middle", "r2"], Ids(second));
        Assert.Equal(["r1", "r0"], Ids(third));
        Assert.Equal(JsonValueKind.Null, third.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task filters_narrow_the_rows_and_the_window_is_ninety_days()
    {
        var org = await WithUsageAsync(
            UsageRecord("a", user: "tenant_acme", key: "key_a", at: Now.AddDays(-1)),
            UsageRecord("b", user: "tenant_globex", key: "key_b", at: Now.AddDays(-1), model: "claude-sonnet-4"),
            UsageRecord("c", user: "tenant_acme", key: "key_b", at: Now.AddDays(-10)),
            UsageRecord("in-window", user: "tenant_other", at: Now.AddDays(-89)),
            UsageRecord("too-old", user: "tenant_other", at: Now.AddDays(-91)));
        var tenDaysAgo = DateOnly.FromDateTime(Now.AddDays(-10).UtcDateTime);

        Assert.Equal(["a", "c"], Ids(await PageAsync(org.Owner, "user=tenant_acme")));
        Assert.Equal(["b"], Ids(await PageAsync(org.Owner, "model=claude-sonnet-4")));
        Assert.Equal(["b", "c"], Ids(await PageAsync(org.Owner, "key_id=key_b")));
        Assert.Equal(["c"], Ids(await PageAsync(org.Owner, $"start_date={tenDaysAgo:yyyy-MM-dd}&end_date={tenDaysAgo:yyyy-MM-dd}")));
        Assert.Equal(["b", "a", "c", "in-window"], Ids(await PageAsync(org.Owner))); // same time: request id, descending
    }

    [Fact]
    public async Task with_accept_text_csv_the_same_page_comes_as_csv_with_a_header()
    {
        var org = await WithUsageAsync(
            UsageRecord("r1", user: "=cmd|' /C calc'!A0", cost: 0.5m, at: Now.AddMinutes(-2)),
            UsageRecord("r2", cost: 0.25m, at: Now.AddMinutes(-1)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/activity?limit=1");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        using var response = await org.Owner.SendAsync(request);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("request_id,user,model,key_id,input_tokens,output_tokens,cost_usd,status,occurred_at", lines[0]);
        Assert.StartsWith("r2,tenant_acme,gpt-4o,key_prod_1,100,50,0.25,success,", lines[1]);
        Assert.Equal(2, lines.Length);
        var next = Assert.Single(response.Headers.GetValues("X-Next-Cursor"));

        using var more = new HttpRequestMessage(HttpMethod.Get, $"/v1/activity?limit=1&cursor={next}");
        more.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var second = await (await org.Owner.SendAsync(more)).Content.ReadAsStringAsync();
        Assert.Contains("r1,'=cmd|' /C calc'!A0,", second); // a formula-looking user id is kept from running in a spreadsheet
    }

    [Fact]
    public async Task a_csv_cell_holding_a_semicolon_is_quoted_so_spreadsheets_do_not_split_it()
    {
        var org = await WithUsageAsync(UsageRecord("r1", user: "tenant;acme"), UsageRecord("r;2", user: "plain", at: Now.AddMinutes(-1)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/activity");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        var lines = (await (await org.Owner.SendAsync(request)).Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("r1,\"tenant;acme\",gpt-4o,", lines[1]);
        Assert.StartsWith("\"r;2\",plain,gpt-4o,", lines[2]);
    }

    [Theory]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("start_date=2026-13-01", "start_date")]
    [InlineData("end_date=2026/01/01", "end_date")]
    [InlineData("end_date=9999-12-31", "end_date")]
    [InlineData("start_date=0001-01-01", "start_date")]
    [InlineData("start_date=2026-03-02&end_date=2026-03-01", "end_date")]
    [InlineData("model=%00", "model")]
    [InlineData("model=gpt%E2%80%AE4o", "model")]
    [InlineData("user=l%E2%80%8B", "user")]
    public async Task bad_parameters_are_refused_with_400_naming_the_parameter(string query, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await org.Owner.GetAsync($"/v1/activity?{query}")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task another_organizations_requests_are_never_listed()
    {
        var mine = await WithUsageAsync(UsageRecord("mine"));
        var theirs = await WithUsageAsync(UsageRecord("theirs"));

        Assert.Equal(["mine"], Ids(await PageAsync(mine.Ingest)));
        Assert.Equal(["theirs"], Ids(await PageAsync(theirs.Owner)));
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task a_members_export_lists_only_the_requests_through_its_keys(string role)
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, role);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        static async Task<List<string>> IdsAsync(HttpClient client) =>
            [.. (await (await client.GetAsync("/v1/activity")).JsonAsync(HttpStatusCode.OK)).GetProperty("data").EnumerateArray()
                .Select(r => r.GetProperty("request_id").GetString()!).Order(StringComparer.Ordinal)];

        Assert.Equal(["r1", "r3"], await IdsAsync(mia));
        Assert.Equal(["r1", "r2", "r3", "r4", "r5"], await IdsAsync(org.Owner));
    }
}
