using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Consumers.Overriding;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Registering;

[Collection(LedgerCollection.Name)]
public sealed class PreRegisterTests(LedgerApp app)
{
    [Fact]
    public async Task a_pre_registered_consumer_is_listed_at_once_with_zero_usage()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var created = await (await PreRegisterAsync(org.Owner, org.Id, "tenant_acme", maxBudget: 25m, rpm: 60, tpm: 100_000, notes: "Pro plan"))
            .JsonAsync(HttpStatusCode.Created);

        Assert.True(created.GetProperty("registered").GetBoolean());
        var row = Assert.Single((await ListAsync(org)).EnumerateArray());
        Assert.Equal("tenant_acme", row.GetProperty("end_user_id").GetString());
        Assert.Equal(0, row.GetProperty("requests").GetInt64());
        Assert.Equal(0m, row.GetProperty("total_spend").GetDecimal());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("last_active").ValueKind);
    }

    [Fact]
    public async Task later_traffic_under_that_id_keeps_the_caps_and_adds_to_the_same_row()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PreRegisterAsync(org.Owner, org.Id, "tenant_acme", maxBudget: 25m, rpm: 60)).JsonAsync(HttpStatusCode.Created);

        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme", cost: 0.5m))).JsonAsync(HttpStatusCode.Accepted);

        var row = Assert.Single((await ListAsync(org)).EnumerateArray());
        Assert.Equal(1, row.GetProperty("requests").GetInt64());
        var caps = Assert.Single(await OverrideTests.OverridesAsync(org.Owner, org.Id));
        Assert.Equal(25m, caps.GetProperty("max_budget").GetDecimal());
        Assert.Equal(60, caps.GetProperty("rpm_limit").GetInt64());
    }

    [Fact]
    public async Task pre_registering_an_existing_consumer_updates_its_caps_without_a_second_row()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme"))).JsonAsync(HttpStatusCode.Accepted);

        var updated = await (await PreRegisterAsync(org.Owner, org.Id, "tenant_acme", maxBudget: 10m)).JsonAsync(HttpStatusCode.OK);

        Assert.False(updated.GetProperty("registered").GetBoolean());
        Assert.Single((await ListAsync(org)).EnumerateArray());
        Assert.Equal(10m, Assert.Single(await OverrideTests.OverridesAsync(org.Owner, org.Id)).GetProperty("max_budget").GetDecimal());
    }

    [Fact]
    public async Task pre_registration_leaves_the_period_budget_and_markup_set_by_an_override()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();
        await PutOverrideAsync(org.Owner, org.Id, "tenant_acme", new { budget_duration = "monthly", period_budget = 5m, markup_percentage = 10m }).SucceededAsync();

        await (await PreRegisterAsync(org.Owner, org.Id, "tenant_acme", rpm: 30)).JsonAsync(HttpStatusCode.OK);

        var caps = Assert.Single(await OverrideTests.OverridesAsync(org.Owner, org.Id));
        Assert.Equal(30, caps.GetProperty("rpm_limit").GetInt64());
        Assert.Equal(5m, caps.GetProperty("period_budget").GetDecimal());
        Assert.Equal(10m, caps.GetProperty("markup_percentage").GetDecimal());
    }

    [Theory]
    [InlineData("default_user_id")]
    [InlineData("__ledger_probe")]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("tenant\u200bacme")]
    [InlineData("tenant_\u202eemca")]
    [InlineData("tenant\u2028acme")]
    [InlineData("\u3164")]
    public async Task a_reserved_empty_control_or_invisible_character_id_is_refused(string endUserId)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await PreRegisterAsync(org.Owner, org.Id, endUserId)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("end_user_id", problem.ErrorFields());
        Assert.Equal(0, (await ListAsync(org)).GetArrayLength());
    }

    [Theory]
    [InlineData(200, HttpStatusCode.Created)]
    [InlineData(201, HttpStatusCode.BadRequest)]
    public async Task an_end_user_id_is_at_most_200_characters(int length, HttpStatusCode expected) =>
        Assert.Equal(expected, (await PreRegisterFreshAsync(new string('u', length))).StatusCode);

    [Theory]
    [InlineData("max_budget", -1, null, null, null)]
    [InlineData("rpm_limit", null, 0L, null, null)]
    [InlineData("tpm_limit", null, null, -100L, null)]
    [InlineData("notes", null, null, null, 501)]
    public async Task invalid_caps_are_refused_and_nothing_is_registered(string field, int? budget, long? rpm, long? tpm, int? notes)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await PreRegisterAsync(org.Owner, org.Id, "tenant_acme", budget, rpm, tpm,
            notes is null ? null : new string('n', notes.Value))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(0, (await ListAsync(org)).GetArrayLength());
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task only_owners_and_admins_pre_register(string role)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        var other = await app.Scenarios.MemberAsync(org, "someone", role);

        await (await PreRegisterAsync(other, org.Id, "tenant_acme")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await PreRegisterAsync(admin, org.Id, "tenant_globex")).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(["tenant_globex"], (await ListAsync(org)).EnumerateArray().Select(r => r.GetProperty("end_user_id").GetString()));
    }

    private async Task<HttpResponseMessage> PreRegisterFreshAsync(string endUserId)
    {
        var org = await app.Scenarios.OrganizationAsync();
        return await PreRegisterAsync(org.Owner, org.Id, endUserId);
    }

    private static async Task<JsonElement> ListAsync(TestOrganization org) =>
        (await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}")).GetProperty("consumers");
}
