using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Keys;

[Collection(LedgerCollection.Name)]
public sealed class RegisterKeyTests(LedgerApp app)
{
    [Fact]
    public async Task registering_a_key_answers_201_and_shows_its_consumers_to_its_owner()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var mia = await app.Scenarios.MemberAsync(org, "mia", "member");
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme", key: "key_x"))).JsonAsync(HttpStatusCode.Accepted);
        Assert.Empty(await ConsumersAsync(mia, org.Id));

        var key = await (await RegisterAsync(org.Owner, org.Id, "key_x", "production", "mia")).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("key_x", key.GetProperty("key_id").GetString());
        Assert.Equal("production", key.GetProperty("team_id").GetString());
        Assert.Equal("mia", key.GetProperty("owner_user_id").GetString());
        Assert.Equal(["tenant_acme"], await ConsumersAsync(mia, org.Id));
    }

    [Fact]
    public async Task registering_a_key_again_unchanged_answers_200_and_changes_nothing()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var mia = await app.Scenarios.MemberAsync(org, "mia", "member");
        await (await RegisterAsync(org.Owner, org.Id, "key_x", "production", "mia")).JsonAsync(HttpStatusCode.Created);
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme", key: "key_x"))).JsonAsync(HttpStatusCode.Accepted);

        var again = await (await RegisterAsync(org.Owner, org.Id, "key_x", "production", "mia")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("mia", again.GetProperty("owner_user_id").GetString());
        Assert.Equal(["tenant_acme"], await ConsumersAsync(mia, org.Id));
    }

    [Fact]
    public async Task registering_a_key_with_another_owner_answers_200_and_moves_its_consumers()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var mia = await app.Scenarios.MemberAsync(org, "mia", "member");
        var bob = await app.Scenarios.MemberAsync(org, "bob", "viewer");
        await (await RegisterAsync(org.Owner, org.Id, "key_x", "production", "mia")).JsonAsync(HttpStatusCode.Created);
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme", key: "key_x"))).JsonAsync(HttpStatusCode.Accepted);

        var moved = await (await RegisterAsync(org.Owner, org.Id, "key_x", "staging", "bob")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("bob", moved.GetProperty("owner_user_id").GetString());
        Assert.Equal("staging", moved.GetProperty("team_id").GetString());
        Assert.Empty(await ConsumersAsync(mia, org.Id));
        Assert.Equal(["tenant_acme"], await ConsumersAsync(bob, org.Id));
    }

    [Fact]
    public async Task an_admin_registers_keys_too()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        var vera = await app.Scenarios.MemberAsync(org, "vera", "viewer");
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme", key: "key_x"))).JsonAsync(HttpStatusCode.Accepted);

        await (await RegisterAsync(admin, org.Id, "key_x", null, "vera")).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(["tenant_acme"], await ConsumersAsync(vera, org.Id));
    }

    [Fact]
    public async Task a_keys_owner_must_be_a_member_of_the_organization()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await app.Scenarios.OrganizationAsync("globex", owner: "gina");

        var problem = await (await RegisterAsync(org.Owner, org.Id, "key_x", null, "gina")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("owner_user_id", problem.ErrorFields());
        await app.Scenarios.MemberAsync(org, "gina", "viewer");
        // nothing was registered by the refused call: this is a first registration
        await (await RegisterAsync(org.Owner, org.Id, "key_x", null, "gina")).JsonAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""{"organization_id":"ORG","owner_user_id":"alice"}""", "key_id")]
    [InlineData("""{"organization_id":"ORG","key_id":"","owner_user_id":"alice"}""", "key_id")]
    [InlineData("""{"organization_id":"ORG","key_id":"LONG","owner_user_id":"alice"}""", "key_id")]
    [InlineData("""{"organization_id":"ORG","key_id":"key\u0007x","owner_user_id":"alice"}""", "key_id")]
    [InlineData("""{"organization_id":"ORG","key_id":"key_x"}""", "owner_user_id")]
    [InlineData("""{"organization_id":"ORG","key_id":"key_x","team_id":"","owner_user_id":"alice"}""", "team_id")]
    [InlineData("""{"organization_id":"ORG","key_id":"key_x","team_id":"LONG","owner_user_id":"alice"}""", "team_id")]
    [InlineData("""{"organization_id":"ORG","key_id":"key_x","team_id":7,"owner_user_id":"alice"}""", "team_id")]
    [InlineData("""{"organization_id":"ORG","key_id":"key_x","owner_user_id":"alice","owner":"bob"}""", "owner")]
    public async Task an_invalid_key_is_refused_with_400_naming_the_field(string body, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var response = await PostRawAsync(org.Owner, "/api/keys",
            body.Replace("ORG", org.Id.ToString()).Replace("LONG", new string('k', 201)));

        Assert.Contains(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        await (await RegisterAsync(org.Owner, org.Id, "key_x", null, "alice")).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task another_organization_can_neither_register_nor_move_a_key_and_key_ids_are_per_organization()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex", owner: "gina");
        var mia = await app.Scenarios.MemberAsync(acme, "mia", "member");
        await (await RegisterAsync(acme.Owner, acme.Id, "key_x", null, "mia")).JsonAsync(HttpStatusCode.Created);
        await (await PostUsageAsync(acme.Ingest, UsageRecord("r1", "tenant_acme", key: "key_x"))).JsonAsync(HttpStatusCode.Accepted);

        await (await RegisterAsync(globex.Owner, acme.Id, "key_x", null, "alice")).ProblemAsync(HttpStatusCode.NotFound);
        await (await RegisterAsync(globex.Owner, globex.Id, "key_x", null, "gina")).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(["tenant_acme"], await ConsumersAsync(mia, acme.Id));
        Assert.Empty(await ConsumersAsync(globex.Owner, globex.Id));
    }

    private static async Task<HttpResponseMessage> RegisterAsync(HttpClient client, Guid org, string keyId, string? team, string owner) =>
        await client.PostAsJsonAsync("/api/keys", new { organization_id = org, key_id = keyId, team_id = team, owner_user_id = owner });

    private static async Task<List<string>> ConsumersAsync(HttpClient client, Guid org) =>
        [.. (await (await client.GetAsync($"/api/consumers?organization_id={org}")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("consumers").EnumerateArray().Select(c => c.GetProperty("end_user_id").GetString()!)];
}
