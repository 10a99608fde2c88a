using System.Net;
using Ledger.Tests.Access;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Listing;

/// <summary>Who sees which consumers in GET /api/consumers (SPEC §2), and what scope=org|mine picks.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ScopeTests(LedgerApp app)
{
    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task members_and_viewers_see_only_consumers_of_keys_they_own(string role)
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, role);

        var page = await ListAsync(mia, org.Id, "");

        Assert.Equal(["both", "mine"], page.Ids);
        Assert.Equal(2, page.Total);
        Assert.Equal(["both", "mine"], (await ListAsync(mia, org.Id, "&scope=mine")).Ids);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task asking_for_the_whole_organization_as_a_member_or_viewer_answers_403(string role)
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, role);

        var problem = await (await mia.GetAsync($"/api/consumers?organization_id={org.Id}&scope=org")).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("scope", problem.ErrorFields());
    }

    [Fact]
    public async Task an_owner_sees_the_whole_organization_by_default_and_with_scope_org()
    {
        var (org, _) = await OrganizationWithTrafficAsync(app, "member");

        Assert.Equal(["both", "mine", "theirs", "unkeyed"], (await ListAsync(org.Owner, org.Id, "")).Ids);
        Assert.Equal(4, (await ListAsync(org.Owner, org.Id, "&scope=org")).Total);
    }

    [Fact]
    public async Task an_admin_sees_the_whole_organization_too()
    {
        var (org, _) = await OrganizationWithTrafficAsync(app, "member");
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");

        Assert.Equal(["both", "mine", "theirs", "unkeyed"], (await ListAsync(admin, org.Id, "")).Ids);
        Assert.Empty((await ListAsync(admin, org.Id, "&scope=mine")).Ids);
    }

    [Fact]
    public async Task an_owner_with_scope_mine_sees_only_consumers_of_keys_the_owner_owns()
    {
        var (org, _) = await OrganizationWithTrafficAsync(app, "member");

        var page = await ListAsync(org.Owner, org.Id, "&scope=mine");

        Assert.Equal(["both", "theirs"], page.Ids);
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task a_member_without_keys_sees_no_consumers()
    {
        var (org, _) = await OrganizationWithTrafficAsync(app, "member");
        var newcomer = await app.Scenarios.MemberAsync(org, "nina", "member");

        var page = await ListAsync(newcomer, org.Id, "");

        Assert.Empty(page.Ids);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task a_member_promoted_to_admin_sees_the_whole_organization_at_once()
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, "member");

        await (await MembersApi.ChangeRoleAsync(org.Owner, org.Id, "mia", "admin")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(4, (await ListAsync(mia, org.Id, "")).Total);
        Assert.Equal(4, (await ListAsync(mia, org.Id, "&scope=org")).Total);
    }

    [Fact]
    public async Task a_member_demoted_to_viewer_keeps_its_own_consumers_and_nothing_more()
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, "admin");
        Assert.Equal(4, (await ListAsync(mia, org.Id, "")).Total);

        await (await MembersApi.ChangeRoleAsync(org.Owner, org.Id, "mia", "viewer")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(["both", "mine"], (await ListAsync(mia, org.Id, "")).Ids);
        await (await mia.GetAsync($"/api/consumers?organization_id={org.Id}&scope=org")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task a_pre_registered_consumer_without_traffic_is_visible_only_organization_wide()
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, "member");
        await (await PreRegisterAsync(org.Owner, org.Id, "tenant_new")).JsonAsync(HttpStatusCode.Created);

        Assert.Contains("tenant_new", (await ListAsync(org.Owner, org.Id, "")).Ids);
        Assert.DoesNotContain("tenant_new", (await ListAsync(mia, org.Id, "")).Ids);
    }

    [Fact]
    public async Task search_and_paging_stay_within_the_members_scope()
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, "member");

        var page = await ListAsync(mia, org.Id, "&search=the");

        Assert.Empty(page.Ids);
        Assert.Equal(0, page.Total);
        Assert.Equal(["mine"], (await ListAsync(mia, org.Id, "&search=min")).Ids);
    }

    [Theory]
    [InlineData("everyone")]
    [InlineData("ORG")]
    public async Task an_unknown_scope_is_refused_with_400(string scope)
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, "member");

        var problem = await (await mia.GetAsync($"/api/consumers?organization_id={org.Id}&scope={scope}")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("scope", problem.ErrorFields());
    }

    [Fact]
    public async Task a_member_of_one_organization_sees_none_of_another()
    {
        var (acme, mia) = await OrganizationWithTrafficAsync(app, "member");
        var globex = await app.Scenarios.OrganizationAsync("globex", owner: "gina");

        await (await mia.GetAsync($"/api/consumers?organization_id={globex.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await mia.GetAsync($"/api/consumers?organization_id={globex.Id}&scope=mine")).ProblemAsync(HttpStatusCode.NotFound);
        await (await globex.Owner.GetAsync($"/api/consumers?organization_id={acme.Id}&scope=org")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task a_members_activity_series_shows_only_consumers_of_its_keys(string role)
    {
        var (org, mia) = await OrganizationWithTrafficAsync(app, role);
        string Series(string user) => $"/api/consumers/{user}/activity?organization_id={org.Id}";

        await (await mia.GetAsync(Series("mine"))).JsonAsync(HttpStatusCode.OK);
        await (await mia.GetAsync(Series("both"))).JsonAsync(HttpStatusCode.OK);
        await (await mia.GetAsync(Series("theirs"))).ProblemAsync(HttpStatusCode.NotFound);
        await (await org.Owner.GetAsync(Series("theirs"))).JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>
    /// Four consumers: "mine" through mia's key, "theirs" through alice's, "both" through both keys, and
    /// "unkeyed" through a key nobody registered, spending 0.10, 5, 1 + 1 and 0.05 USD. mia holds the given role.
    /// </summary>
    internal static async Task<(TestOrganization Org, HttpClient Mia)> OrganizationWithTrafficAsync(LedgerApp app, string role)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var mia = await app.Scenarios.MemberAsync(org, "mia", role);
        await RegisterKeyAsync(org, "key_mia", "mia");
        await RegisterKeyAsync(org, "key_alice", "alice");
        await (await PostUsageAsync(org.Ingest,
                UsageRecord("r1", "mine", key: "key_mia", cost: 0.10m), UsageRecord("r2", "theirs", key: "key_alice", cost: 5m),
                UsageRecord("r3", "both", key: "key_mia", cost: 1m), UsageRecord("r4", "both", key: "key_alice", cost: 1m),
                UsageRecord("r5", "unkeyed", key: "key_x", cost: 0.05m)))
            .JsonAsync(HttpStatusCode.Accepted);
        return (org, mia);
    }

    private static async Task<(List<string> Ids, long Total)> ListAsync(HttpClient client, Guid org, string query)
    {
        var body = await (await client.GetAsync($"/api/consumers?organization_id={org}&sort=end_user_id&order=asc{query}")).JsonAsync(HttpStatusCode.OK);
        return ([.. body.GetProperty("consumers").EnumerateArray().Select(c => c.GetProperty("end_user_id").GetString()!)],
            body.GetProperty("total").GetInt64());
    }
}
