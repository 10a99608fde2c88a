using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Access;

[Collection(LedgerCollection.Name)]
public sealed class IngestTokensTests(LedgerApp app)
{
    [Fact]
    public async Task the_gateways_ingest_token_can_be_rotated_and_the_old_one_revoked()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var issued = await (await org.Owner.PostAsJsonAsync("/api/ingest-tokens", new { organization_id = org.Id })).JsonAsync(HttpStatusCode.Created);
        var fresh = app.Scenarios.Client(issued.GetProperty("token").GetString()!);
        var members = await (await org.Owner.GetAsync($"/api/members?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        var old = members.GetProperty("ingest_tokens").EnumerateArray().Select(t => t.GetProperty("token_id").GetGuid())
            .Single(id => id != issued.GetProperty("token_id").GetGuid());
        Assert.Equal(HttpStatusCode.NoContent, (await org.Owner.DeleteAsync($"/api/tokens/{old}?organization_id={org.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostUsageAsync(org.Ingest, UsageRecord("r1"))).StatusCode);
        await (await PostUsageAsync(fresh, UsageRecord("r2"))).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.Forbidden, (await fresh.GetAsync($"/api/consumers?organization_id={org.Id}")).StatusCode);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task only_owners_and_admins_issue_ingest_tokens(string role)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var other = await app.Scenarios.MemberAsync(org, "someone", role);
        var globex = await app.Scenarios.OrganizationAsync("globex");

        await (await other.PostAsJsonAsync("/api/ingest-tokens", new { organization_id = org.Id })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await globex.Owner.PostAsJsonAsync("/api/ingest-tokens", new { organization_id = org.Id })).ProblemAsync(HttpStatusCode.NotFound);
        var members = await (await org.Owner.GetAsync($"/api/members?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(members.GetProperty("ingest_tokens").EnumerateArray());
    }
}
