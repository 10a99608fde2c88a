using System.Net;
using System.Net.Http.Json;
using Ledger.Projections.Members;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Upgrading;

/// <summary>
/// Organizations stored before the member documents existed have none until a rebuild; they keep
/// working meanwhile. Consumers never depend on a stored document: they are folded from their streams.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class DataFromBeforeSnapshotsTests(LedgerApp app)
{
    [Fact]
    public async Task an_owner_without_a_member_document_still_acts_as_owner()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await DeleteAsync<Member>(Member.Key(org.Id, "alice"));

        await (await PreRegisterAsync(org.Owner, org.Id, "tenant_acme")).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_consumer_registered_by_traffic_is_changed_from_its_stream_and_not_registered_twice()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme"))).JsonAsync(HttpStatusCode.Accepted);

        await (await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { rpm_limit = 60 })).JsonAsync(HttpStatusCode.OK);
        var again = await (await PreRegisterAsync(org.Owner, org.Id, "tenant_acme", rpm: 60)).JsonAsync(HttpStatusCode.OK);

        Assert.False(again.GetProperty("registered").GetBoolean());
        await (await AddTagAsync(org.Owner, org.Id, "tenant_acme", "legacy")).JsonAsync(HttpStatusCode.Created);
        var list = await org.Owner.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/consumers?organization_id={org.Id}");
        Assert.Equal(1, list.GetProperty("total").GetInt64());
    }

    private async Task DeleteAsync<T>(string id) where T : notnull
    {
        await using var session = app.Store.LightweightSession();
        session.Delete<T>(id);
        await session.SaveChangesAsync();
    }
}
