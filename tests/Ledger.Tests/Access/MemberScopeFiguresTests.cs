using System.Net;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Access;

/// <summary>
/// A member sees the consumers its keys carried, each of them whole (docs/api.md, "What members and
/// viewers see of a consumer"), and only its own keys' requests in the per-request export.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class MemberScopeFiguresTests(LedgerApp app)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>bob (member) owns key_b, carol (viewer) owns key_c; tenant_shared used key_a and key_b.</summary>
    private async Task<(Scenarios.TestOrganization Org, HttpClient Bob, HttpClient Carol)> GivenTwoKeysAsync()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var bob = await app.Scenarios.MemberAsync(org, "bob", "member");
        var carol = await app.Scenarios.MemberAsync(org, "carol", "viewer");
        await RegisterKeyAsync(org, "key_a", "alice");
        await RegisterKeyAsync(org, "key_b", "bob");
        await RegisterKeyAsync(org, "key_c", "carol");
        await (await PostUsageAsync(org.Ingest,
            UsageRecord("s-a", user: "tenant_shared", key: "key_a", cost: 1m, model: "gpt-4o"),
            UsageRecord("s-b", user: "tenant_shared", key: "key_b", cost: 0.25m, model: "claude-sonnet-4"),
            UsageRecord("a-only", user: "tenant_alice", key: "key_a", cost: 2m),
            UsageRecord("b-only", user: "tenant_bob", key: "key_b", cost: 0.5m),
            UsageRecord("c-only", user: "tenant_carol", key: "key_c", cost: 0.75m))).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        return (org, bob, carol);
    }

    [Fact]
    public async Task the_list_shows_a_members_consumers_with_their_whole_figures()
    {
        var (org, bob, carol) = await GivenTwoKeysAsync();

        var bobs = await ListAsync(bob, org.Id);
        var carols = await ListAsync(carol, org.Id);

        Assert.Equal(new Dictionary<string, decimal> { ["tenant_shared"] = 1.25m, ["tenant_bob"] = 0.5m }, bobs);
        Assert.Equal(new Dictionary<string, decimal> { ["tenant_carol"] = 0.75m }, carols);
    }

    [Fact]
    public async Task the_daily_series_counts_the_consumers_traffic_through_every_key_and_a_consumer_out_of_scope_is_404()
    {
        var (org, bob, _) = await GivenTwoKeysAsync();

        var series = await (await bob.GetAsync(
            $"/api/consumers/tenant_shared/activity?organization_id={org.Id}&start_date={Today:yyyy-MM-dd}&end_date={Today:yyyy-MM-dd}")).JsonAsync(HttpStatusCode.OK);
        var outOfScope = await bob.GetAsync(
            $"/api/consumers/tenant_alice/activity?organization_id={org.Id}&start_date={Today:yyyy-MM-dd}&end_date={Today:yyyy-MM-dd}");

        var today = series.GetProperty("days")[0];
        Assert.Equal(1.25m, today.GetProperty("spend").GetDecimal());
        Assert.Equal(["claude-sonnet-4", "gpt-4o"], today.GetProperty("models").EnumerateObject().Select(m => m.Name).Order());
        await outOfScope.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_summary_ranks_only_a_members_consumers()
    {
        var (org, bob, _) = await GivenTwoKeysAsync();

        var summary = await (await bob.GetAsync($"/api/consumers/summary?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("tenant_shared", summary.GetProperty("top_consumer").GetProperty("end_user_id").GetString());
        Assert.Equal(1.25m, summary.GetProperty("top_consumer").GetProperty("spend").GetDecimal());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("chart").ValueKind); // two consumers in scope: no chart
    }

    [Fact]
    public async Task the_export_lists_only_requests_through_the_members_own_keys()
    {
        var (org, bob, carol) = await GivenTwoKeysAsync();

        var bobs = await ExportAsync(bob);
        var carols = await ExportAsync(carol);
        var owners = await ExportAsync(org.Owner);

        Assert.Equal(["b-only", "s-b"], bobs);
        Assert.Equal(["c-only"], carols);
        Assert.Equal(["a-only", "b-only", "c-only", "s-a", "s-b"], owners);
    }

    [Fact]
    public async Task the_organizations_totals_are_refused_to_members_and_viewers()
    {
        var (org, bob, carol) = await GivenTwoKeysAsync();

        await (await bob.GetAsync($"/api/usage/totals?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await carol.GetAsync($"/api/usage/totals?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.Forbidden);
        var totals = await (await org.Owner.GetAsync($"/api/usage/totals?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(4.5m, totals.GetProperty("total_spend").GetDecimal());
    }

    private static async Task<Dictionary<string, decimal>> ListAsync(HttpClient client, Guid org) =>
        (await (await client.GetAsync($"/api/consumers?organization_id={org}")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("consumers").EnumerateArray()
            .ToDictionary(c => c.GetProperty("end_user_id").GetString()!, c => c.GetProperty("total_spend").GetDecimal());

    private static async Task<IEnumerable<string>> ExportAsync(HttpClient client) =>
        (await (await client.GetAsync("/v1/activity")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("data").EnumerateArray().Select(r => r.GetProperty("request_id").GetString()!).Order();
}
