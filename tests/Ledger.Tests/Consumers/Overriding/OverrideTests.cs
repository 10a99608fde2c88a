using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Overriding;

[Collection(LedgerCollection.Name)]
public sealed class OverrideTests(LedgerApp app)
{
    [Fact]
    public async Task a_put_sets_the_consumers_caps_and_the_list_shows_them()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme"))).JsonAsync(HttpStatusCode.Accepted);

        var put = await (await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new
        {
            rpm_limit = 60,
            tpm_limit = 100_000,
            max_budget = 25.00m,
            budget_duration = "monthly",
            period_budget = 10m,
            markup_percentage = 15m,
            notes = "Pro plan — Q3 2026 contract",
        })).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(60, put.GetProperty("rpm_limit").GetInt64());
        var listed = Assert.Single(await OverridesAsync(org.Owner, org.Id));
        Assert.Equal("tenant_acme", listed.GetProperty("end_user_id").GetString());
        Assert.Equal(60, listed.GetProperty("rpm_limit").GetInt64());
        Assert.Equal(100_000, listed.GetProperty("tpm_limit").GetInt64());
        Assert.Equal(25.00m, listed.GetProperty("max_budget").GetDecimal());
        Assert.Equal("monthly", listed.GetProperty("budget_duration").GetString());
        Assert.Equal(10m, listed.GetProperty("period_budget").GetDecimal());
        Assert.Equal(15m, listed.GetProperty("markup_percentage").GetDecimal());
        Assert.Equal("Pro plan — Q3 2026 contract", listed.GetProperty("notes").GetString());
    }

    [Fact]
    public async Task a_null_field_removes_that_cap_and_an_override_of_nothing_leaves_the_list()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();
        await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { rpm_limit = 60, tpm_limit = 1000 }).SucceededAsync();

        await (await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { rpm_limit = 60 })).JsonAsync(HttpStatusCode.OK);
        var listed = Assert.Single(await OverridesAsync(org.Owner, org.Id));
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("tpm_limit").ValueKind);

        await (await PutOverrideAsync(org.Owner, org.Id, "tenant_acme")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(await OverridesAsync(org.Owner, org.Id));
    }

    [Fact]
    public async Task an_explicit_period_window_is_kept_in_utc()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();

        await (await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new
        {
            period_budget = 50m,
            period_start = "2026-11-01T02:00:00+02:00",
            period_end = "2026-12-01T00:00:00",
        })).JsonAsync(HttpStatusCode.OK);

        var listed = Assert.Single(await OverridesAsync(org.Owner, org.Id));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), listed.GetProperty("period_start").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), listed.GetProperty("period_end").GetDateTimeOffset());
    }

    public static TheoryData<string, object> Refused => new()
    {
        { "rpm_limit", new { rpm_limit = 0 } },
        { "rpm_limit", new { rpm_limit = -5 } },
        { "rpm_limit", new { rpm_limit = 1.5 } },
        { "rpm_limit", new { rpm_limit = "60" } },
        { "tpm_limit", new { tpm_limit = 0 } },
        { "max_budget", new { max_budget = -0.01m } },
        { "period_budget", new { period_budget = -1m, budget_duration = "daily" } },
        { "markup_percentage", new { markup_percentage = -10m } },
        { "notes", new { notes = new string('n', 501) } },
        { "notes", new { notes = "nul\u0000" } },
        { "budget_duration", new { budget_duration = "hourly", period_budget = 1m } },
        { "period_budget", new { budget_duration = "daily" } },
        { "budget_duration", new { period_budget = 5m } },
        { "period_end", new { period_budget = 5m, period_start = "2026-12-01T00:00:00Z", period_end = "2026-11-01T00:00:00Z" } },
        { "period_end", new { period_budget = 5m, period_start = "2026-12-01T00:00:00Z" } },
        { "budget_duration", new { period_budget = 5m, budget_duration = "daily", period_start = "2026-11-01T00:00:00Z", period_end = "2026-12-01T00:00:00Z" } },
        { "period_start", new { period_budget = 5m, period_start = "yesterday", period_end = "2026-12-01T00:00:00Z" } },
        { "rpm_limt", new { rpm_limt = 60 } },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task an_invalid_override_is_refused_naming_the_field_and_changes_nothing(string field, object fields)
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();
        await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { rpm_limit = 60 }).SucceededAsync();

        var problem = await (await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", fields)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(60, Assert.Single(await OverridesAsync(org.Owner, org.Id)).GetProperty("rpm_limit").GetInt64());
    }

    [Fact]
    public async Task notes_of_exactly_500_characters_are_accepted()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();

        await (await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { notes = new string('n', 500) })).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task an_override_for_a_consumer_that_does_not_exist_answers_404()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await PutOverrideAsync(org.Owner, org.Id, "nobody", new { rpm_limit = 60 })).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Empty(await OverridesAsync(org.Owner, org.Id));
        Assert.Equal(0, (await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task members_may_read_overrides_of_their_consumers_but_not_change_them()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var member = await app.Scenarios.MemberAsync(org, "mia", "member");
        await RegisterKeyAsync(org, "key_mia", "mia");
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "mine", key: "key_mia"), UsageRecord("r2", "theirs", key: "key_other")))
            .JsonAsync(HttpStatusCode.Accepted);
        await PutOverrideAsync(org.Owner, org.Id, "mine", new { rpm_limit = 60 }).SucceededAsync();
        await PutOverrideAsync(org.Owner, org.Id, "theirs", new { rpm_limit = 30 }).SucceededAsync();

        await (await PutOverrideAsync(member, org.Id, "mine", new { rpm_limit = 1000 })).ProblemAsync(HttpStatusCode.Forbidden);

        var visible = Assert.Single(await OverridesAsync(member, org.Id));
        Assert.Equal("mine", visible.GetProperty("end_user_id").GetString());
        Assert.Equal(60, visible.GetProperty("rpm_limit").GetInt64());
        Assert.Equal(2, (await OverridesAsync(org.Owner, org.Id)).Count);
    }

    [Fact]
    public async Task another_organizations_overrides_are_invisible_and_unchangeable()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex");
        await PreRegisterAsync(acme.Owner, acme.Id, "tenant_acme").SucceededAsync();
        await PutOverrideAsync(acme.Owner, acme.Id, "tenant_acme", new { rpm_limit = 60 }).SucceededAsync();

        await (await globex.Owner.GetAsync($"/api/end-users/overrides?organization_id={acme.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await PutOverrideAsync(globex.Owner, acme.Id, "tenant_acme", new { rpm_limit = 1 })).ProblemAsync(HttpStatusCode.NotFound);
        await (await PutOverrideAsync(globex.Owner, globex.Id, "tenant_acme", new { rpm_limit = 1 })).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(60, Assert.Single(await OverridesAsync(acme.Owner, acme.Id)).GetProperty("rpm_limit").GetInt64());
    }

    public static async Task<List<JsonElement>> OverridesAsync(HttpClient client, Guid org)
    {
        var body = await (await client.GetAsync($"/api/end-users/overrides?organization_id={org}")).JsonAsync(HttpStatusCode.OK);
        return [.. body.GetProperty("overrides").EnumerateArray()];
    }
}
