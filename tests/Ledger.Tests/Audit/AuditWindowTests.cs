using Ledger.Domain.Consumers;
using Ledger.Projections.Audit;
using Ledger.Tests.Infrastructure;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Audit;

/// <summary>The audit trail shows 90 days, and a rebuild from history shows exactly the same 90 days.</summary>
[Collection(LedgerCollection.Name)]
public sealed class AuditWindowTests(LedgerApp app)
{
    [Fact]
    public async Task entries_older_than_90_days_drop_out_and_a_rebuild_gives_the_same_window()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var now = DateTimeOffset.UtcNow;
        var pro = ConsumerLimits.None with { RpmLimit = 60 };
        await AppendHistoryAsync(org.Id, "tenant_acme",
            new ConsumerRegistered(org.Id, "tenant_acme", RegistrationSource.PreRegistration, "alice", now.AddDays(-120)),
            new TagAdded(org.Id, "tenant_acme", Guid.NewGuid(), "ancient", "alice", now.AddDays(-100)),
            new OverrideChanged(org.Id, "tenant_acme", ConsumerLimits.None, pro, "alice", now.AddDays(-90.01)),
            new TagAdded(org.Id, "tenant_acme", Guid.NewGuid(), "recent", "adam", now.AddDays(-89.9)),
            new OverrideChanged(org.Id, "tenant_acme", pro, pro with { RpmLimit = 120 }, "adam", now.AddDays(-3)));

        var live = await new AuditLogTests(app).AuditAsync(org.Owner, org.Id);

        Assert.Equal(2, live.GetProperty("total").GetInt64());
        Assert.Equal(["override_changed", "tag_added"], live.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(60, live.GetProperty("entries")[0].GetProperty("before").GetProperty("rpm_limit").GetInt64());
        await TableRows.WipeAsync(app.ConnectionString, org.Id, AuditLogTable.Name);
        Assert.Equal(0, (await new AuditLogTests(app).AuditAsync(org.Owner, org.Id)).GetProperty("total").GetInt64());

        var daemon = app.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();
        await daemon.RebuildProjectionAsync(AuditTrailProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);
        await daemon.StartAgentAsync($"{AuditTrailProjection.ProjectionName}:All", CancellationToken.None); // back to live
        var rebuilt = await new AuditLogTests(app).AuditAsync(org.Owner, org.Id);

        Assert.Equal(live.ToString(), rebuilt.ToString());
    }

    private async Task AppendHistoryAsync(Guid org, string endUserId, params object[] events)
    {
        await using var session = app.Store.LightweightSession();
        session.Events.Append(ConsumerStream.Key(org, endUserId), events);
        await session.SaveChangesAsync();
    }
}
