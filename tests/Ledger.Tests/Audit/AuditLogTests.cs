using System.Net;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Audit;

[Collection(LedgerCollection.Name)]
public sealed class AuditLogTests(LedgerApp app)
{
    [Fact]
    public async Task every_change_to_a_consumer_is_audited_with_its_actor_newest_first()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        await (await PreRegisterAsync(org.Owner, org.Id, "tenant_acme", rpm: 60, notes: "trial")).JsonAsync(HttpStatusCode.Created);
        var tag = await (await AddTagAsync(admin, org.Id, "tenant_acme", "plan:pro")).JsonAsync(HttpStatusCode.Created);
        await (await PutOverrideAsync(admin, org.Id, "tenant_acme", new { rpm_limit = 120, max_budget = 25m, notes = "upgraded" })).JsonAsync(HttpStatusCode.OK);
        await org.Owner.DeleteAsync($"/api/end-users/tags?id={tag.GetProperty("id").GetGuid()}&organization_id={org.Id}").SucceededAsync();
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_acme").SucceededAsync();

        var log = await AuditAsync(org.Owner, org.Id);

        Assert.Equal(6, log.GetProperty("total").GetInt64());
        var entries = log.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["consumer_retired", "tag_removed", "override_changed", "tag_added", "override_changed", "consumer_registered"],
            entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["alice", "alice", "adam", "adam", "alice", "alice"], entries.Select(e => e.GetProperty("actor").GetString()));
        Assert.All(entries, e => Assert.Equal("tenant_acme", e.GetProperty("end_user_id").GetString()));
        Assert.Equal("plan:pro", entries[1].GetProperty("tag").GetString());
        Assert.Equal("plan:pro", entries[3].GetProperty("tag").GetString());

        var change = entries[2];
        string[] fields = ["rpm_limit", "tpm_limit", "max_budget", "budget_duration", "period_budget", "period_start", "period_end", "markup_percentage", "notes"];
        Assert.Equal(fields.Order(), change.GetProperty("before").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(fields.Order(), change.GetProperty("after").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(60, change.GetProperty("before").GetProperty("rpm_limit").GetInt64());
        Assert.Equal("trial", change.GetProperty("before").GetProperty("notes").GetString());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("before").GetProperty("max_budget").ValueKind);
        Assert.Equal(120, change.GetProperty("after").GetProperty("rpm_limit").GetInt64());
        Assert.Equal(25m, change.GetProperty("after").GetProperty("max_budget").GetDecimal());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("after").GetProperty("tpm_limit").ValueKind);
        Assert.Equal("upgraded", change.GetProperty("notes").GetString());
        var times = entries.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Fact]
    public async Task traffic_registering_a_consumer_and_a_put_that_changes_nothing_are_not_audited()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme"))).JsonAsync(HttpStatusCode.Accepted);
        await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { rpm_limit = 60 }).SucceededAsync();

        await (await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { rpm_limit = 60 })).JsonAsync(HttpStatusCode.OK);

        var entry = Assert.Single((await AuditAsync(org.Owner, org.Id)).GetProperty("entries").EnumerateArray());
        Assert.Equal("override_changed", entry.GetProperty("action").GetString());
    }

    [Fact]
    public async Task the_log_filters_by_consumer_actor_and_time_and_pages_by_50()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_globex").SucceededAsync();
        for (var i = 0; i < 55; i++) await AddTagAsync(admin, org.Id, "tenant_globex", $"t{i}");

        Assert.Equal(1, (await AuditAsync(org.Owner, org.Id, "&end_user_id=tenant_acme")).GetProperty("total").GetInt64());
        Assert.Equal(55, (await AuditAsync(org.Owner, org.Id, "&actor=adam")).GetProperty("total").GetInt64());
        var page2 = await AuditAsync(org.Owner, org.Id, "&actor=adam&page=2");
        Assert.Equal(5, page2.GetProperty("entries").GetArrayLength());
        Assert.Equal(50, page2.GetProperty("page_size").GetInt32());
        Assert.Equal(57, (await AuditAsync(org.Owner, org.Id, $"&since={Uri.EscapeDataString(before.ToString("O"))}")).GetProperty("total").GetInt64());
        Assert.Equal(0, (await AuditAsync(org.Owner, org.Id, $"&until={Uri.EscapeDataString(before.ToString("O"))}")).GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("&since=yesterday", "since")]
    [InlineData("&until=2026-13-40", "until")]
    [InlineData("&page=0", "page")]
    public async Task invalid_filters_are_refused(string query, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await org.Owner.GetAsync($"/api/audit-log?organization_id={org.Id}{query}")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task only_owners_and_admins_read_the_audit_log(string role)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var other = await app.Scenarios.MemberAsync(org, "someone", role);

        await (await other.GetAsync($"/api/audit-log?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task another_organizations_audit_log_is_invisible()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex");
        await PreRegisterAsync(acme.Owner, acme.Id, "tenant_acme").SucceededAsync();
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        await (await globex.Owner.GetAsync($"/api/audit-log?organization_id={acme.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await AuditAsync(globex.Owner, globex.Id)).GetProperty("total").GetInt64());
    }

    public async Task<JsonElement> AuditAsync(HttpClient client, Guid org, string query = "")
    {
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        return await (await client.GetAsync($"/api/audit-log?organization_id={org}{query}")).JsonAsync(HttpStatusCode.OK);
    }
}
