using System.Net;
using System.Net.Http.Json;
using Ledger.Ingest.Admissions.Caps;
using Ledger.Projections.Access;
using Ledger.Projections.ConsumerOverrides;
using Ledger.Projections.Consumers;
using Ledger.Projections.ConsumerTags;
using Ledger.Projections.Keys;
using Ledger.Projections.Members;
using Ledger.Projections.ModelPrices;
using Ledger.Projections.OrganizationUsage;
using Ledger.Tests.Infrastructure;
using Marten;
using Npgsql;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Projections;

/// <summary>A read model rebuilt from the raw events holds exactly the rows the live run wrote.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RebuildingReadModelsTests(LedgerApp app)
{
    [Theory]
    [InlineData(ConsumerTotalsProjection.ProjectionName, ConsumersTable.Name)]
    [InlineData(OrganizationUsageProjection.ProjectionName, OrganizationUsageTable.Name)]
    [InlineData(ConsumerTagsProjection.ProjectionName, ConsumerTagsTable.Name)]
    [InlineData(ConsumerOverridesProjection.ProjectionName, ConsumerOverridesTable.Name)]
    [InlineData(ModelPricesProjection.ProjectionName, ModelPricesTable.Name)]
    [InlineData(AdmissionCapsProjection.ProjectionName, AdmissionCapsTable.Name)]
    public async Task rebuilding_from_events_reproduces_the_live_rows(string projection, string table)
    {
        var org = await GivenHistoryAsync();
        var live = await TableRows.OfAsync(app.ConnectionString, table, org.Id);
        Assert.NotEmpty(live);

        await using (var wipe = new NpgsqlConnection(app.ConnectionString))
        {
            await wipe.OpenAsync();
            await new NpgsqlCommand($"delete from {table} where organization_id = '{org.Id}'", wipe).ExecuteNonQueryAsync();
        }
        using var daemon = await app.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.Equal(live, await TableRows.OfAsync(app.ConnectionString, table, org.Id));
    }

    [Fact]
    public async Task rebuilding_access_reproduces_members_keys_and_live_tokens()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await app.Scenarios.MemberAsync(org, "mia", "member");
        var adam = await (await org.Owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = "adam", role = "viewer" }))
            .JsonAsync(HttpStatusCode.Created);
        await org.Owner.PutAsJsonAsync("/api/members/mia", new { organization_id = org.Id, role = "admin" }).SucceededAsync();
        await org.Owner.DeleteAsync($"/api/tokens/{adam.GetProperty("token_id").GetGuid()}?organization_id={org.Id}").SucceededAsync();
        await RegisterKeyAsync(org, "key_1", "mia");
        await RegisterKeyAsync(org, "key_1", "adam", team: "research");
        await RegisterKeyAsync(org, "key_2", "alice");
        var live = await AccessDocumentsAsync(org.Id);
        await using (var wipe = app.Store.LightweightSession())
        {
            wipe.DeleteWhere<Member>(m => m.OrganizationId == org.Id);
            wipe.DeleteWhere<VirtualKey>(k => k.OrganizationId == org.Id);
            wipe.DeleteWhere<AccessToken>(t => t.OrganizationId == org.Id);
            await wipe.SaveChangesAsync();
        }
        Assert.Empty(await AccessDocumentsAsync(org.Id));

        using var daemon = await app.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(AccessProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.Equal(live, await AccessDocumentsAsync(org.Id));
        Assert.Equal(3, live.Count(d => d.StartsWith("Member", StringComparison.Ordinal)));
        Assert.Equal(3, live.Count(d => d.StartsWith("AccessToken", StringComparison.Ordinal))); // alice, mia, ingest; adam's revoked
    }

    private async Task<List<string>> AccessDocumentsAsync(Guid org)
    {
        await using var session = app.Store.QuerySession();
        IEnumerable<object> docs = [
            .. await session.Query<Member>().Where(m => m.OrganizationId == org).ToListAsync(),
            .. await session.Query<VirtualKey>().Where(k => k.OrganizationId == org).ToListAsync(),
            .. await session.Query<AccessToken>().Where(t => t.OrganizationId == org).ToListAsync()];
        return [.. docs.Select(d => d.ToString()!).Order()];
    }

    /// <summary>Usage over several consumers and keys, then tags, overrides, a retirement and a return.</summary>
    private async Task<TestOrganization> GivenHistoryAsync()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var day = new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);
        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 40)
            .Select(i => UsageRecord($"r{i}", i % 7 == 0 ? null : $"tenant_{i % 4}", key: $"key_{i % 3}",
                input: i, output: 2 * i, cost: 0.001m * i, at: day.AddHours(i)))
            .ToArray())).JsonAsync(HttpStatusCode.Accepted);
        await PutOverrideAsync(org.Owner, org.Id, "tenant_1", new { rpm_limit = 60, notes = "pro" }).SucceededAsync();
        await PutOverrideAsync(org.Owner, org.Id, "tenant_2", new { max_budget = 5m }).SucceededAsync();
        await PutOverrideAsync(org.Owner, org.Id, "tenant_2", new { max_budget = 7m, budget_duration = "weekly", period_budget = 1m }).SucceededAsync();
        await AddTagAsync(org.Owner, org.Id, "tenant_1", "plan:pro").SucceededAsync();
        var gone = await (await AddTagAsync(org.Owner, org.Id, "tenant_1", "trial")).JsonAsync(HttpStatusCode.Created);
        await org.Owner.DeleteAsync($"/api/end-users/tags?id={gone.GetProperty("id").GetGuid()}&organization_id={org.Id}").SucceededAsync();
        await AddTagAsync(org.Owner, org.Id, "tenant_3", "region:eu").SucceededAsync();
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_0").SucceededAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_3", rpm: 10).SucceededAsync();
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_3").SucceededAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r_back", "tenant_3", at: day.AddDays(3)))).JsonAsync(HttpStatusCode.Accepted);
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 1m, 2m), ("acme-llm", 0.5m, 0.5m)]).SucceededAsync();
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 3m, 4m)], remove: ["acme-llm"]).SucceededAsync();
        return org;
    }
}
