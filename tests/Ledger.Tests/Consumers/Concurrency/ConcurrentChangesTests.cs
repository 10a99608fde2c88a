using System.Net;
using System.Text.Json;
using Ledger.Tests.Audit;
using Ledger.Tests.Consumers.Overriding;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Concurrency;

/// <summary>Two admins changing one consumer at the same moment lose nothing, and each change is audited against what it replaced.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ConcurrentChangesTests(LedgerApp app)
{
    [Fact]
    public async Task racing_overrides_all_land_and_each_audit_entry_has_the_right_before()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();
        HttpClient[] admins = [org.Owner, admin];

        var puts = Enumerable.Range(1, 16).Select(rpm => PutOverrideAsync(admins[rpm % 2], org.Id, "tenant_acme", new { rpm_limit = rpm }));
        foreach (var response in await Task.WhenAll(puts)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var log = await new AuditLogTests(app).AuditAsync(org.Owner, org.Id, "&actor=adam");
        var all = (await new AuditLogTests(app).AuditAsync(org.Owner, org.Id)).GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("action").GetString() == "override_changed").Reverse().ToList();
        Assert.Equal(8, log.GetProperty("total").GetInt64());
        Assert.Equal(16, all.Count);
        // Oldest first, each change starts from where the one before it ended: a chain with no lost update.
        Assert.Equal(JsonValueKind.Null, all[0].GetProperty("before").GetProperty("rpm_limit").ValueKind);
        for (var i = 1; i < all.Count; i++)
            Assert.Equal(all[i - 1].GetProperty("after").GetProperty("rpm_limit").GetInt64(), all[i].GetProperty("before").GetProperty("rpm_limit").GetInt64());
        Assert.Equal(Enumerable.Range(1, 16), all.Select(e => (int)e.GetProperty("after").GetProperty("rpm_limit").GetInt64()).Order());
        var final = Assert.Single(await OverrideTests.OverridesAsync(org.Owner, org.Id));
        Assert.Equal(all[^1].GetProperty("after").GetProperty("rpm_limit").GetInt64(), final.GetProperty("rpm_limit").GetInt64());
    }

    [Fact]
    public async Task racing_tags_from_two_admins_all_land_once()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();

        var adds = Enumerable.Range(0, 20).Select(i => AddTagAsync(i % 2 == 0 ? org.Owner : admin, org.Id, "tenant_acme", $"t{i % 10}"));
        await Task.WhenAll(adds);

        var tags = await (await org.Owner.GetAsync($"/api/end-users/tags?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(10, tags.GetProperty("tags").GetArrayLength());
        Assert.Equal(10, (await new AuditLogTests(app).AuditAsync(org.Owner, org.Id, "&end_user_id=tenant_acme")).GetProperty("total").GetInt64() - 1);
    }

    [Fact]
    public async Task a_pre_registration_racing_first_traffic_registers_the_consumer_once()
    {
        for (var round = 0; round < 5; round++)
        {
            var org = await app.Scenarios.OrganizationAsync();
            await Task.WhenAll(
                PreRegisterAsync(org.Owner, org.Id, "tenant_acme", rpm: 60),
                PostUsageAsync(org.Ingest, UsageRecord($"r{round}", "tenant_acme")));

            var list = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
            var row = Assert.Single(list.GetProperty("consumers").EnumerateArray());
            Assert.Equal(1, row.GetProperty("requests").GetInt64());
            Assert.Equal(60, Assert.Single(await OverrideTests.OverridesAsync(org.Owner, org.Id)).GetProperty("rpm_limit").GetInt64());
            await using var session = app.Store.QuerySession();
            var events = await Marten.QueryableExtensions.ToListAsync(session.Events.QueryRawEventDataOnly<Ledger.Domain.Consumers.ConsumerRegistered>()
                .Where(e => e.OrganizationId == org.Id));
            Assert.Single(events);
        }
    }
}
