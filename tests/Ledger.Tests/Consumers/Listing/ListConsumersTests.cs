using System.Net;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Listing;

[Collection(LedgerCollection.Name)]
public sealed class ListConsumersTests(LedgerApp app)
{
    [Fact]
    public async Task lists_every_aggregate_of_a_consumer()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest,
            UsageRecord("r1", "tenant_acme", input: 100, output: 40, cost: 0.10m),
            UsageRecord("r2", "tenant_acme", input: 7, output: 3, cost: 0.05m, status: "error"))).JsonAsync(HttpStatusCode.Accepted);

        var page = await List(org, "");

        Assert.Equal(1, page.GetProperty("page").GetInt32());
        Assert.Equal(25, page.GetProperty("page_size").GetInt32());
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        var row = Assert.Single(page.GetProperty("consumers").EnumerateArray());
        Assert.Equal(2, row.GetProperty("requests").GetInt64());
        Assert.Equal(107, row.GetProperty("input_tokens").GetInt64());
        Assert.Equal(43, row.GetProperty("output_tokens").GetInt64());
        Assert.Equal(150, row.GetProperty("total_tokens").GetInt64());
        Assert.Equal(0.15m, row.GetProperty("total_spend").GetDecimal());
        Assert.True(row.TryGetProperty("first_seen", out _));
        Assert.True(row.TryGetProperty("last_active", out _));
    }

    [Theory]
    [InlineData("ACME", new[] { "tenant_acme:user_8f3a", "tenant_acme:user_9b2c" })]
    [InlineData("user_8f3a", new[] { "tenant_acme:user_8f3a" })]
    [InlineData("tenant_acme:", new[] { "tenant_acme:user_8f3a", "tenant_acme:user_9b2c" })]
    [InlineData("100%", new[] { "100%_pro" })]
    [InlineData("_", new[] { "100%_pro", "tenant_acme:user_8f3a", "tenant_acme:user_9b2c", "tenant_globex:user_1" })]
    [InlineData("nobody", new string[0])]
    public async Task search_is_a_case_insensitive_substring_match_on_either_half(string search, string[] expected)
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme:user_8f3a"), UsageRecord("r2", "tenant_acme:user_9b2c"),
            UsageRecord("r3", "tenant_globex:user_1"), UsageRecord("r4", "100%_pro"), UsageRecord("r5", "plain"))).JsonAsync(HttpStatusCode.Accepted);

        var page = await List(org, $"&search={Uri.EscapeDataString(search)}&sort=end_user_id&order=asc");

        Assert.Equal(expected, Ids(page));
        Assert.Equal(expected.Length, page.GetProperty("total").GetInt64());
    }

    public static TheoryData<string, string, string[]> Sorts => new()
    {
        { "end_user_id", "asc", ["a_small", "b_big", "c_busy"] },
        { "end_user_id", "desc", ["c_busy", "b_big", "a_small"] },
        { "total_spend", "desc", ["b_big", "c_busy", "a_small"] },
        { "total_spend", "asc", ["a_small", "c_busy", "b_big"] },
        { "total_tokens", "desc", ["c_busy", "b_big", "a_small"] },
        { "requests", "desc", ["c_busy", "a_small", "b_big"] },
        { "requests", "asc", ["b_big", "a_small", "c_busy"] },
        { "last_active", "desc", ["a_small", "c_busy", "b_big"] },
        { "last_active", "asc", ["b_big", "c_busy", "a_small"] },
    };

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task sorts_by_each_column_in_both_directions(string sort, string order, string[] expected)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var day = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        await (await PostUsageAsync(org.Ingest,
            UsageRecord("r1", "a_small", input: 1, output: 1, cost: 0.01m, at: day.AddDays(3)),
            UsageRecord("r2", "a_small", input: 1, output: 1, cost: 0.01m, at: day.AddDays(3)),
            UsageRecord("r3", "b_big", input: 500, output: 500, cost: 9m, at: day.AddDays(1)),
            UsageRecord("r4", "c_busy", input: 400, output: 700, cost: 1m, at: day.AddDays(2)),
            UsageRecord("r5", "c_busy", input: 1, output: 1, cost: 1m, at: day.AddDays(2)),
            UsageRecord("r6", "c_busy", input: 1, output: 1, cost: 1m, at: day.AddDays(2)))).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(expected, Ids(await List(org, $"&sort={sort}&order={order}")));
    }

    [Fact]
    public async Task pages_hold_25_consumers_with_the_total()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var records = Enumerable.Range(0, 60).Select(i => UsageRecord($"r{i}", $"tenant_{i:D2}")).ToArray();
        await (await PostUsageAsync(org.Ingest, records)).JsonAsync(HttpStatusCode.Accepted);

        var pages = await Task.WhenAll(Enumerable.Range(1, 4).Select(p => List(org, $"&sort=end_user_id&order=asc&page={p}")));

        Assert.All(pages, p => Assert.Equal(60, p.GetProperty("total").GetInt64()));
        Assert.Equal([25, 25, 10, 0], pages.Select(p => p.GetProperty("consumers").GetArrayLength()));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"tenant_{i:D2}"), pages.SelectMany(Ids));
    }

    [Theory]
    [InlineData("&sort=cost")]
    [InlineData("&order=up")]
    [InlineData("&page=0")]
    [InlineData("&page=two")]
    [InlineData("&search=a%00b")]
    public async Task bad_query_parameters_are_refused_with_the_parameter_named(string query)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}{query}")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(query.TrimStart('&').Split('=')[0], problem.ErrorFields());
    }

    [Fact]
    public async Task another_organizations_consumers_are_invisible_and_its_id_answers_404()
    {
        var (acme, globex) = (await app.Scenarios.OrganizationAsync(), await app.Scenarios.OrganizationAsync("globex"));
        await (await PostUsageAsync(globex.Ingest, UsageRecord("r1", "globex_user"))).JsonAsync(HttpStatusCode.Accepted);

        Assert.Empty(Ids(await List(acme, "")));
        await (await acme.Owner.GetAsync($"/api/consumers?organization_id={globex.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await acme.Owner.GetAsync($"/api/consumers?organization_id={Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await acme.Owner.GetAsync("/api/consumers?organization_id=acme-inc")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task reading_needs_a_member_token()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var url = $"/api/consumers?organization_id={org.Id}";

        await (await org.Anonymous.GetAsync(url)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.Scenarios.Client("ldg_forged").GetAsync(url)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await org.Ingest.GetAsync(url)).ProblemAsync(HttpStatusCode.Forbidden);
    }

    private static async Task<JsonElement> List(TestOrganization org, string query) =>
        await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}{query}")).JsonAsync(HttpStatusCode.OK);

    private static IEnumerable<string> Ids(JsonElement page) =>
        page.GetProperty("consumers").EnumerateArray().Select(c => c.GetProperty("end_user_id").GetString()!).ToList();
}
