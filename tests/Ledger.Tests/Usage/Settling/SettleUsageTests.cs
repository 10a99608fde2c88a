using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Usage.Settling;

[Collection(LedgerCollection.Name)]
public sealed class SettleUsageTests(LedgerApp app)
{
    [Fact]
    public async Task accepts_one_record_and_attributes_it_to_the_named_consumer()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var body = await (await PostUsageAsync(org.Ingest, UsageRecord("req-1", "tenant_acme", input: 120, output: 30, cost: 0.25m)))
            .JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("duplicates").GetInt32());
        var row = Assert.Single(await ConsumerRows(org));
        Assert.Equal("tenant_acme", row.GetProperty("end_user_id").GetString());
        Assert.Equal(1, row.GetProperty("requests").GetInt64());
        Assert.Equal(150, row.GetProperty("total_tokens").GetInt64());
        Assert.Equal(0.25m, row.GetProperty("total_spend").GetDecimal());
    }

    [Fact]
    public async Task accepts_a_batch_and_sums_it_per_consumer()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var batch = Enumerable.Range(0, 300).Select(i => UsageRecord($"req-{i}", $"tenant_{i % 3}", input: 10, output: 5, cost: 0.01m)).ToArray();
        var body = await (await PostUsageAsync(org.Ingest, batch)).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(300, body.GetProperty("accepted").GetInt32());
        var rows = await ConsumerRows(org);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(100, r.GetProperty("requests").GetInt64());
            Assert.Equal(1500, r.GetProperty("total_tokens").GetInt64());
            Assert.Equal(1.00m, r.GetProperty("total_spend").GetDecimal());
        });
    }

    [Fact]
    public async Task a_retried_post_never_counts_twice()
    {
        var org = await app.Scenarios.OrganizationAsync();
        object[] batch = [UsageRecord("req-1"), UsageRecord("req-2")];

        await (await PostUsageAsync(org.Ingest, batch)).JsonAsync(HttpStatusCode.Accepted);
        var retry = await (await PostUsageAsync(org.Ingest, [.. batch, UsageRecord("req-3")])).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(1, retry.GetProperty("accepted").GetInt32());
        Assert.Equal(2, retry.GetProperty("duplicates").GetInt32());
        Assert.Equal(3, Assert.Single(await ConsumerRows(org)).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task racing_retries_of_the_same_requests_are_stored_once()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var batch = Enumerable.Range(0, 50).Select(i => UsageRecord($"req-{i}", $"tenant_{i % 5}")).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PostUsageAsync(org.Ingest, batch)));

        var bodies = await Task.WhenAll(responses.Select(r => r.JsonAsync(HttpStatusCode.Accepted)));
        Assert.Equal(50, bodies.Sum(b => b.GetProperty("accepted").GetInt32()));
        Assert.Equal(11 * 50, bodies.Sum(b => b.GetProperty("duplicates").GetInt32()));
        var rows = await ConsumerRows(org);
        Assert.Equal(5, rows.Count);
        Assert.Equal(50, rows.Sum(r => r.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task the_same_request_id_in_another_organization_is_a_different_request()
    {
        var (acme, globex) = (await app.Scenarios.OrganizationAsync(), await app.Scenarios.OrganizationAsync("globex"));

        await (await PostUsageAsync(acme.Ingest, UsageRecord("req-1"))).JsonAsync(HttpStatusCode.Accepted);
        var body = await (await PostUsageAsync(globex.Ingest, UsageRecord("req-1"))).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Single(await ConsumerRows(globex));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("default_user_id")]
    [InlineData("__ledger_probe")]
    public async Task usage_without_a_real_user_counts_for_the_org_and_creates_no_consumer(string? user)
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await PostUsageAsync(org.Ingest, UsageRecord("req-1", user, cost: 0.5m), UsageRecord("req-2", "tenant_acme", cost: 0.25m)))
            .JsonAsync(HttpStatusCode.Accepted);

        var row = Assert.Single(await ConsumerRows(org));
        Assert.Equal("tenant_acme", row.GetProperty("end_user_id").GetString());
        var totals = await (await org.Owner.GetAsync($"/api/usage/totals?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, totals.GetProperty("requests").GetInt64());
        Assert.Equal(0.75m, totals.GetProperty("total_spend").GetDecimal());
        Assert.Equal(1, totals.GetProperty("unattributed_requests").GetInt64());
        Assert.Equal(0.5m, totals.GetProperty("unattributed_spend").GetDecimal());
    }

    [Fact]
    public async Task end_user_ids_are_case_sensitive_and_never_parsed()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme"), UsageRecord("r2", "tenant-acme"), UsageRecord("r3", "Tenant_Acme"),
            UsageRecord("r4", "tenant_acme:user_8f3a"))).JsonAsync(HttpStatusCode.Accepted);

        var ids = (await ConsumerRows(org)).Select(r => r.GetProperty("end_user_id").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["Tenant_Acme", "tenant-acme", "tenant_acme", "tenant_acme:user_8f3a"], ids);
    }

    [Fact]
    public async Task first_seen_and_last_active_follow_when_requests_occurred()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var early = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var late = new DateTimeOffset(2026, 11, 20, 17, 30, 0, TimeSpan.FromHours(2));

        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", at: late), UsageRecord("r2", at: early))).JsonAsync(HttpStatusCode.Accepted);

        var row = Assert.Single(await ConsumerRows(org));
        Assert.Equal(early, row.GetProperty("first_seen").GetDateTimeOffset());
        Assert.Equal(late, row.GetProperty("last_active").GetDateTimeOffset());
    }

    [Fact]
    public async Task a_record_without_occurred_at_happened_when_it_was_posted()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var before = DateTimeOffset.UtcNow;

        await (await PostUsageAsync(org.Ingest, UsageRecord("r1"))).JsonAsync(HttpStatusCode.Accepted);

        var lastActive = Assert.Single(await ConsumerRows(org)).GetProperty("last_active").GetDateTimeOffset();
        Assert.InRange(lastActive, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    private async Task<List<System.Text.Json.JsonElement>> ConsumerRows(TestOrganization org) =>
        [.. (await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("consumers").EnumerateArray()];
}
