using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Access.MembersApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Access;

[Collection(LedgerCollection.Name)]
public sealed class MembersTests(LedgerApp app)
{
    [Fact]
    public async Task adding_a_member_answers_201_with_a_token_that_acts_with_its_role_at_once()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var added = await (await AddMemberAsync(org.Owner, org.Id, "mia", "member")).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("mia", added.GetProperty("user_id").GetString());
        Assert.Equal("member", added.GetProperty("role").GetString());
        Assert.NotEqual(Guid.Empty, added.GetProperty("token_id").GetGuid());
        var mia = app.Scenarios.Client(added.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(mia, org.Id));
        await (await mia.GetAsync($"/api/members?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_member_list_shows_roles_and_token_ids_but_never_a_token()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var added = await (await AddMemberAsync(org.Owner, org.Id, "vera", "viewer")).JsonAsync(HttpStatusCode.Created);

        var raw = await org.Owner.GetStringAsync($"/api/members?organization_id={org.Id}");

        Assert.DoesNotContain(added.GetProperty("token").GetString()!, raw);
        Assert.DoesNotContain("\"token\"", raw);
        Assert.DoesNotContain("hash", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(new Dictionary<string, string> { ["alice"] = "owner", ["vera"] = "viewer" }, await RolesAsync(org));
        Assert.Equal([added.GetProperty("token_id").GetGuid()], await TokenIdsAsync(org, "vera"));
        Assert.Single((await MembersAsync(org)).GetProperty("ingest_tokens").EnumerateArray());
    }

    [Fact]
    public async Task an_admin_adds_members_but_only_an_owner_adds_an_owner()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");

        await (await AddMemberAsync(admin, org.Id, "mia", "member")).JsonAsync(HttpStatusCode.Created);
        var refused = await (await AddMemberAsync(admin, org.Id, "olga", "owner")).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("role", refused.ErrorFields());
        Assert.False((await RolesAsync(org)).ContainsKey("olga"));
        await (await AddMemberAsync(org.Owner, org.Id, "olga", "owner")).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task adding_an_existing_member_answers_409_and_keeps_its_role_and_token()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var vera = await app.Scenarios.MemberAsync(org, "vera", "viewer");

        var problem = await (await AddMemberAsync(org.Owner, org.Id, "vera", "admin")).ProblemAsync(HttpStatusCode.Conflict);
        await (await AddMemberAsync(org.Owner, org.Id, "alice", "viewer")).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("user_id", problem.ErrorFields());
        Assert.Equal("viewer", (await RolesAsync(org))["vera"]);
        Assert.Single(await TokenIdsAsync(org, "vera"));
        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(vera, org.Id));
    }

    [Theory]
    [InlineData("""{"organization_id":"ORG","role":"member"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","user_id":"","role":"member"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","user_id":"mia"}""", "role")]
    [InlineData("""{"organization_id":"ORG","user_id":"mia","role":"ingest"}""", "role")]
    [InlineData("""{"organization_id":"ORG","user_id":"mia","role":"superuser"}""", "role")]
    [InlineData("""{"organization_id":"ORG","user_id":"mia\u0001","role":"member"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","user_id":"mia\nx","role":"member"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","user_id":"LONG","role":"member"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","user_id":"alice\u200b","role":"admin"}""", "user_id")] // looks exactly like the owner alice
    [InlineData("""{"organization_id":"ORG","user_id":"\u202eecila","role":"admin"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","user_id":"ingest","role":"member"}""", "user_id")] // the ingest token's name in the audit log
    [InlineData("""{"organization_id":"ORG","user_id":"mia","role":"member","nickname":"m"}""", "nickname")]
    [InlineData("""{"organization_id":"ORG","user_id":42,"role":"member"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","user_id":"mia","role":["member"]}""", "role")]
    [InlineData("""{"organization_id":"ORG","user_id":"team/alice","role":"member"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","USER_ID":"mia","role":"member"}""", "user_id")]
    [InlineData("""{"organization_id":"ORG","user_id":"mia","role":"member","user_id":"x"}""", "user_id")]
    public async Task an_invalid_member_is_refused_with_400_naming_the_field(string body, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var response = await PostRawAsync(org.Owner, "/api/members",
            body.Replace("ORG", org.Id.ToString()).Replace("LONG", new string('u', 201)));

        Assert.Contains(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["alice"], (await RolesAsync(org)).Keys);
    }

    [Theory]
    [InlineData("LONG")]
    [InlineData("alice@example.com")]
    [InlineData("Zoë Ünal")]
    public async Task any_valid_user_id_can_be_added_re_roled_and_issued_tokens(string userId)
    {
        var org = await app.Scenarios.OrganizationAsync();
        userId = userId.Replace("LONG", new string('u', 200));

        await (await AddMemberAsync(org.Owner, org.Id, userId, "viewer")).JsonAsync(HttpStatusCode.Created);
        await (await ChangeRoleAsync(org.Owner, org.Id, userId, "member")).JsonAsync(HttpStatusCode.OK);
        await (await IssueTokenAsync(org.Owner, org.Id, userId)).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("member", (await RolesAsync(org))[userId]);
        Assert.Equal(2, (await TokenIdsAsync(org, userId)).Count);
    }

    [Fact]
    public async Task adding_the_same_member_concurrently_adds_it_once()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => AddMemberAsync(org.Owner, org.Id, "mia", "member")));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Single(await TokenIdsAsync(org, "mia"));
    }

    [Fact]
    public async Task a_re_role_applies_to_every_token_the_member_already_holds()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var first = await app.Scenarios.MemberAsync(org, "mia", "member");
        var issued = await (await IssueTokenAsync(org.Owner, org.Id, "mia")).JsonAsync(HttpStatusCode.Created);
        var second = app.Scenarios.Client(issued.GetProperty("token").GetString()!);
        var members = $"/api/members?organization_id={org.Id}";

        var changed = await (await ChangeRoleAsync(org.Owner, org.Id, "mia", "admin")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("admin", changed.GetProperty("role").GetString());
        await (await first.GetAsync(members)).JsonAsync(HttpStatusCode.OK);
        await (await second.GetAsync(members)).JsonAsync(HttpStatusCode.OK);
        await (await ChangeRoleAsync(org.Owner, org.Id, "mia", "viewer")).JsonAsync(HttpStatusCode.OK);
        await (await first.GetAsync(members)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await AddTagAsync(second, org.Id, "tenant_acme", "x")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("mia", "owner")]
    [InlineData("alice", "admin")]
    [InlineData("alice", "member")]
    public async Task only_an_owner_grants_or_takes_away_the_owner_role(string userId, string role)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        await app.Scenarios.MemberAsync(org, "mia", "member");
        await app.Scenarios.MemberAsync(org, "olga", "owner"); // so alice is not the last owner

        var problem = await (await ChangeRoleAsync(admin, org.Id, userId, role)).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("role", problem.ErrorFields());
        Assert.Equal(new Dictionary<string, string> { ["adam"] = "admin", ["alice"] = "owner", ["mia"] = "member", ["olga"] = "owner" },
            await RolesAsync(org));
    }

    [Fact]
    public async Task the_last_owner_cannot_be_demoted_until_another_owner_exists()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await ChangeRoleAsync(org.Owner, org.Id, "alice", "admin")).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("role", problem.ErrorFields());
        await app.Scenarios.MemberAsync(org, "olga", "owner");
        await (await ChangeRoleAsync(org.Owner, org.Id, "alice", "admin")).JsonAsync(HttpStatusCode.OK);
        // alice's own token is an admin's now: it may no longer touch the owner role
        await (await ChangeRoleAsync(org.Owner, org.Id, "olga", "admin")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(new Dictionary<string, string> { ["alice"] = "admin", ["olga"] = "owner" }, await RolesAsync(org));
    }

    [Theory]
    [InlineData("nobody", "admin", HttpStatusCode.NotFound, null)]
    [InlineData("alice", "superuser", HttpStatusCode.BadRequest, "role")]
    [InlineData("alice", "ingest", HttpStatusCode.BadRequest, "role")]
    public async Task re_roling_a_stranger_or_to_an_unknown_role_is_refused(string userId, string role, HttpStatusCode status, string? field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await ChangeRoleAsync(org.Owner, org.Id, userId, role)).ProblemAsync(status);

        if (field is not null) Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(["alice"], (await RolesAsync(org)).Keys);
    }

    [Fact]
    public async Task another_organizations_members_answer_404_and_stay_unchanged()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex", owner: "gina");
        await app.Scenarios.MemberAsync(acme, "mia", "member");

        await (await globex.Owner.GetAsync($"/api/members?organization_id={acme.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await AddMemberAsync(globex.Owner, acme.Id, "mallory", "owner")).ProblemAsync(HttpStatusCode.NotFound);
        await (await ChangeRoleAsync(globex.Owner, acme.Id, "mia", "admin")).ProblemAsync(HttpStatusCode.NotFound);
        await (await ChangeRoleAsync(globex.Owner, globex.Id, "mia", "admin")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(new Dictionary<string, string> { ["alice"] = "owner", ["mia"] = "member" }, await RolesAsync(acme));
        Assert.Equal(["gina"], (await RolesAsync(globex)).Keys);
    }
}
