using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Access.MembersApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Access;

[Collection(LedgerCollection.Name)]
public sealed class TokensTests(LedgerApp app)
{
    [Fact]
    public async Task issuing_another_token_gives_a_second_working_token_listed_beside_the_first()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var first = await app.Scenarios.MemberAsync(org, "vera", "viewer");

        var issued = await (await IssueTokenAsync(org.Owner, org.Id, "vera")).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("vera", issued.GetProperty("user_id").GetString());
        var second = app.Scenarios.Client(issued.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(second, org.Id));
        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(first, org.Id));
        var ids = await TokenIdsAsync(org, "vera");
        Assert.Equal(2, ids.Count);
        Assert.Equal(issued.GetProperty("token_id").GetGuid(), ids[1]);
        // the new token is a viewer's like the first
        await (await AddTagAsync(second, org.Id, "tenant_acme", "x")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task a_revoked_token_gets_401_at_once_while_the_members_other_token_keeps_working()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var old = await app.Scenarios.MemberAsync(org, "mia", "member");
        var fresh = app.Scenarios.Client((await (await IssueTokenAsync(org.Owner, org.Id, "mia")).JsonAsync(HttpStatusCode.Created))
            .GetProperty("token").GetString()!);
        var oldId = (await TokenIdsAsync(org, "mia"))[0];

        var revoked = await RevokeTokenAsync(org.Owner, org.Id, oldId);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await (await old.GetAsync($"/api/consumers?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(fresh, org.Id));
        Assert.DoesNotContain(oldId, await TokenIdsAsync(org, "mia"));
        await (await RevokeTokenAsync(org.Owner, org.Id, oldId)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    [InlineData("not-a-guid")]
    public async Task revoking_a_token_that_does_not_exist_answers_404(string tokenId)
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await org.Owner.DeleteAsync($"/api/tokens/{tokenId}?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task revoking_the_ingest_token_stops_the_gateway_at_once()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme", key: "key_x"))).JsonAsync(HttpStatusCode.Accepted);
        var ingestId = Assert.Single((await MembersAsync(org)).GetProperty("ingest_tokens").EnumerateArray()).GetProperty("token_id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await RevokeTokenAsync(org.Owner, org.Id, ingestId)).StatusCode);

        await (await PostUsageAsync(org.Ingest, UsageRecord("r2", "tenant_acme", key: "key_x"))).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty((await MembersAsync(org)).GetProperty("ingest_tokens").EnumerateArray());
    }

    [Fact]
    public async Task an_ingest_token_revoked_on_another_node_stops_working_there_once_that_nodes_cache_lifetime_passes()
    {
        await using var second = new LedgerApp { Settings = new Dictionary<string, string> { ["Ledger:Auth:IngestTokenCacheTtl"] = "00:00:01" } };
        await second.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var otherNode = second.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
        await (await PostUsageAsync(otherNode, UsageRecord("r1", "tenant_acme", key: "key_x"))).JsonAsync(HttpStatusCode.Accepted);
        var ingestId = Assert.Single((await MembersAsync(org)).GetProperty("ingest_tokens").EnumerateArray()).GetProperty("token_id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await RevokeTokenAsync(org.Owner, org.Id, ingestId)).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        await (await PostUsageAsync(otherNode, UsageRecord("r2", "tenant_acme", key: "key_x"))).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task the_last_owner_token_cannot_be_revoked_until_another_is_issued()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var aliceFirst = Assert.Single(await TokenIdsAsync(org, "alice"));

        var problem = await (await RevokeTokenAsync(org.Owner, org.Id, aliceFirst)).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("token_id", problem.ErrorFields());
        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(org.Owner, org.Id));
        var rotated = app.Scenarios.Client((await (await IssueTokenAsync(org.Owner, org.Id, "alice")).JsonAsync(HttpStatusCode.Created))
            .GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.NoContent, (await RevokeTokenAsync(org.Owner, org.Id, aliceFirst)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadStatusAsync(org.Owner, org.Id));
        await (await rotated.GetAsync($"/api/members?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task revoking_the_last_two_owner_tokens_at_once_leaves_one()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var second = app.Scenarios.Client((await (await IssueTokenAsync(org.Owner, org.Id, "alice")).JsonAsync(HttpStatusCode.Created))
            .GetProperty("token").GetString()!);
        var ids = await TokenIdsAsync(org, "alice");

        var answers = await Task.WhenAll(RevokeTokenAsync(org.Owner, org.Id, ids[1]), RevokeTokenAsync(second, org.Id, ids[0]));

        // One wins. The other is refused as the last owner token, or, if the winner committed before it
        // was even authenticated, its own token is already revoked.
        var statuses = answers.Select(a => a.StatusCode).Order().ToList();
        Assert.Equal(HttpStatusCode.NoContent, statuses[0]);
        Assert.Contains(statuses[1], new[] { HttpStatusCode.Conflict, HttpStatusCode.Unauthorized });
        Assert.Single(new[] { await ReadStatusAsync(org.Owner, org.Id), await ReadStatusAsync(second, org.Id) }, s => s == HttpStatusCode.OK);
    }

    [Fact]
    public async Task an_owner_cannot_step_down_when_no_other_owner_holds_a_token()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await app.Scenarios.MemberAsync(org, "olga", "owner");
        Assert.Equal(HttpStatusCode.NoContent, (await RevokeTokenAsync(org.Owner, org.Id, (await TokenIdsAsync(org, "olga"))[0])).StatusCode);

        // olga is an owner without a token: were alice an admin now, no token could ever act as an owner again
        var problem = await (await ChangeRoleAsync(org.Owner, org.Id, "alice", "admin")).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("role", problem.ErrorFields());
        await (await IssueTokenAsync(org.Owner, org.Id, "olga")).JsonAsync(HttpStatusCode.Created);
        await (await ChangeRoleAsync(org.Owner, org.Id, "alice", "admin")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task an_admin_may_not_issue_or_revoke_an_owners_token_nor_issue_a_members_but_may_revoke_it()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        var mia = await app.Scenarios.MemberAsync(org, "mia", "member");
        await (await IssueTokenAsync(org.Owner, org.Id, "alice")).JsonAsync(HttpStatusCode.Created);
        var aliceFirst = (await TokenIdsAsync(org, "alice"))[0];

        await (await IssueTokenAsync(admin, org.Id, "alice")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await RevokeTokenAsync(admin, org.Id, aliceFirst)).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(2, (await TokenIdsAsync(org, "alice")).Count);
        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(org.Owner, org.Id));
        await (await IssueTokenAsync(admin, org.Id, "mia")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await RevokeTokenAsync(admin, org.Id, (await TokenIdsAsync(org, "mia"))[0])).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadStatusAsync(mia, org.Id));
    }

    [Fact]
    public async Task a_promoted_members_tokens_become_owner_tokens_that_an_admin_may_not_revoke()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        var olga = await app.Scenarios.MemberAsync(org, "olga", "member");
        await (await ChangeRoleAsync(org.Owner, org.Id, "olga", "owner")).JsonAsync(HttpStatusCode.OK);

        await (await RevokeTokenAsync(admin, org.Id, (await TokenIdsAsync(org, "olga"))[0])).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(olga, org.Id));
    }

    [Fact]
    public async Task issuing_a_token_to_someone_who_is_not_a_member_answers_404()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await IssueTokenAsync(org.Owner, org.Id, "nobody")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains("user_id", problem.ErrorFields());
        Assert.Equal(["alice"], (await RolesAsync(org)).Keys);
    }

    [Fact]
    public async Task another_organizations_tokens_can_be_neither_issued_nor_revoked()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex", owner: "gina");
        var mia = await app.Scenarios.MemberAsync(acme, "mia", "member");
        var miaToken = (await TokenIdsAsync(acme, "mia"))[0];

        await (await RevokeTokenAsync(globex.Owner, globex.Id, miaToken)).ProblemAsync(HttpStatusCode.NotFound);
        await (await RevokeTokenAsync(globex.Owner, acme.Id, miaToken)).ProblemAsync(HttpStatusCode.NotFound);
        await (await IssueTokenAsync(globex.Owner, acme.Id, "mia")).ProblemAsync(HttpStatusCode.NotFound);
        await (await IssueTokenAsync(globex.Owner, globex.Id, "mia")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(mia, acme.Id));
        Assert.Equal([miaToken], await TokenIdsAsync(acme, "mia"));
    }
}
