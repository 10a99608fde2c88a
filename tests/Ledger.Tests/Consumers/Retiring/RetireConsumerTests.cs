using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Consumers.Overriding;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Retiring;

[Collection(LedgerCollection.Name)]
public sealed class RetireConsumerTests(LedgerApp app)
{
    [Fact]
    public async Task a_retired_consumer_leaves_the_list_and_loses_its_override()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme"), UsageRecord("r2", "tenant_globex"))).JsonAsync(HttpStatusCode.Accepted);
        await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { rpm_limit = 60 }).SucceededAsync();

        var retired = await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_acme");

        Assert.Equal(HttpStatusCode.NoContent, retired.StatusCode);
        Assert.Equal(["tenant_globex"], await IdsAsync(org));
        Assert.Empty(await OverrideTests.OverridesAsync(org.Owner, org.Id));
        await (await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_acme")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task traffic_under_a_retired_id_registers_the_consumer_again()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme"))).JsonAsync(HttpStatusCode.Accepted);
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_acme").SucceededAsync();

        await (await PostUsageAsync(org.Ingest, UsageRecord("r2", "tenant_acme"))).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(["tenant_acme"], await IdsAsync(org));
        await (await AddTagAsync(org.Owner, org.Id, "tenant_acme", "back")).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task only_owners_and_admins_retire_and_never_in_another_organization()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex");
        var member = await app.Scenarios.MemberAsync(org, "mia", "member");
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();

        await (await member.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_acme")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await globex.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_acme")).ProblemAsync(HttpStatusCode.NotFound);
        await (await globex.Owner.DeleteAsync($"/api/end-users?organization_id={globex.Id}&end_user_id=tenant_acme")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(["tenant_acme"], await IdsAsync(org));
    }

    private static async Task<List<string?>> IdsAsync(TestOrganization org) =>
        [.. (await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}&sort=end_user_id&order=asc"))
            .GetProperty("consumers").EnumerateArray().Select(r => r.GetProperty("end_user_id").GetString())];
}
