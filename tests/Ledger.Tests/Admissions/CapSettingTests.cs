using System.Net;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Admissions;

/// <summary>Setting key, team and default consumer caps: answers, refusals and the audit trail.</summary>
[Collection(LedgerCollection.Name)]
public class CapSettingTests(LedgerApp app)
{
    [Fact]
    public async Task key_team_and_default_cap_changes_are_audited_with_before_and_after()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await RegisterKeyAsync(org, "key_prod_1", "alice");
        await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_prod_1", rpm: 100)).JsonAsync(HttpStatusCode.OK);
        var key = await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_prod_1", rpm: 50, maxBudget: 10m)).JsonAsync(HttpStatusCode.OK);
        await (await PutTeamLimitsAsync(org.Owner, org.Id, "research", tpm: 5000)).JsonAsync(HttpStatusCode.OK);
        var defaults = await (await PutDefaultsAsync(org.Owner, org.Id, new { max_budget = 5m, budget_duration = "monthly", period_budget = 1m }))
            .JsonAsync(HttpStatusCode.OK);

        Assert.Equal(50, key.GetProperty("rpm_limit").GetInt64());
        Assert.Equal("monthly", defaults.GetProperty("budget_duration").GetString());
        var read = await (await org.Owner.GetAsync($"/api/end-users/defaults?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(5m, read.GetProperty("max_budget").GetDecimal());
        Assert.Equal(1m, read.GetProperty("period_budget").GetDecimal());

        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var entries = (await (await org.Owner.GetAsync($"/api/audit-log?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["consumer_defaults_changed", "team_limits_changed", "key_limits_changed", "key_limits_changed"],
            entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("research", entries[1].GetProperty("team_id").GetString());
        Assert.Equal("key_prod_1", entries[2].GetProperty("key_id").GetString());
        Assert.Equal(JsonValueKind.Null, entries[2].GetProperty("end_user_id").ValueKind);
        Assert.Equal(100, entries[2].GetProperty("before").GetProperty("rpm_limit").GetInt64());
        Assert.Equal(50, entries[2].GetProperty("after").GetProperty("rpm_limit").GetInt64());
        Assert.Equal(10m, entries[2].GetProperty("after").GetProperty("max_budget").GetDecimal());
        Assert.Equal(JsonValueKind.Null, entries[3].GetProperty("before").GetProperty("rpm_limit").ValueKind);
        Assert.Equal(5m, entries[0].GetProperty("after").GetProperty("max_budget").GetDecimal());
        Assert.All(entries, e => Assert.Equal("alice", e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task a_put_that_changes_nothing_records_nothing_and_nulls_remove_caps()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await RegisterKeyAsync(org, "key_prod_1", "alice");
        await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_prod_1", rpm: 1)).JsonAsync(HttpStatusCode.OK);
        await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_prod_1", rpm: 1)).JsonAsync(HttpStatusCode.OK);
        await AdmittedAsync(org.Ingest, "req-1");
        await (await AdmitAsync(org.Ingest, "req-2")).ProblemAsync(HttpStatusCode.TooManyRequests);

        await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_prod_1")).JsonAsync(HttpStatusCode.OK);

        await AdmittedAsync(org.Ingest, "req-3");
        Assert.Equal(2, await EventsAsync(app, org.Id, "key_limits_changed"));
    }

    [Fact]
    public async Task a_consumers_own_cap_wins_over_the_default_of_its_kind_and_the_others_still_apply()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PutDefaultsAsync(org.Owner, org.Id, new { rpm_limit = 1, max_budget = 0.05m })).JsonAsync(HttpStatusCode.OK);
        await (await OverrideAsync(org, "vip", new { rpm_limit = 100, notes = "enterprise" })).JsonAsync(HttpStatusCode.OK);

        await AdmittedAsync(org.Ingest, "vip-1", user: "vip", cost: 0.02m);
        await AdmittedAsync(org.Ingest, "vip-2", user: "vip", cost: 0.02m); // its own rpm, not the default 1
        await AdmittedAsync(org.Ingest, "vip-3", user: "vip", cost: 0.02m);
        var budget = await (await AdmitAsync(org.Ingest, "vip-4", user: "vip", cost: 0.02m)).ProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Equal(0.05m, budget.GetProperty("limit").GetDecimal()); // the default budget still applies

        await AdmittedAsync(org.Ingest, "anon-1", user: "someone");
        await (await AdmitAsync(org.Ingest, "anon-2", user: "someone")).ProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task an_unregistered_key_or_another_organizations_id_answers_404()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var other = await app.Scenarios.OrganizationAsync("globex", "gina");

        await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_nobody_registered", rpm: 5)).ProblemAsync(HttpStatusCode.NotFound);
        await (await PutTeamLimitsAsync(org.Owner, other.Id, "research", rpm: 5)).ProblemAsync(HttpStatusCode.NotFound);
        await (await PutDefaultsAsync(org.Owner, other.Id, new { rpm_limit = 5 })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"organization_id":"ORG","rpm_limit":0}""", "rpm_limit")]
    [InlineData("""{"organization_id":"ORG","tpm_limit":-5}""", "tpm_limit")]
    [InlineData("""{"organization_id":"ORG","rpm_limit":1.5}""", "rpm_limit")]
    [InlineData("""{"organization_id":"ORG","max_budget":-1}""", "max_budget")]
    [InlineData("""{"organization_id":"ORG","max_budget":"10"}""", "max_budget")]
    [InlineData("""{"organization_id":"ORG","rpm_limt":10}""", "rpm_limt")]
    public async Task bad_key_limits_are_refused_with_a_problem_naming_the_field_and_change_nothing(string body, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();
        await RegisterKeyAsync(org, "key_prod_1", "alice");

        var response = await PostRawAsync(org.Owner, "/api/keys/key_prod_1/limits", body.Replace("ORG", org.Id.ToString()), method: "PUT");

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(0, await EventsAsync(app, org.Id, "key_limits_changed"));
    }

    [Theory]
    [InlineData("""{"organization_id":"ORG","period_budget":5}""", "budget_duration")]
    [InlineData("""{"organization_id":"ORG","budget_duration":"hourly","period_budget":5}""", "budget_duration")]
    [InlineData("""{"organization_id":"ORG","budget_duration":"daily"}""", "period_budget")]
    [InlineData("""{"organization_id":"ORG","markup_percentage":10}""", "markup_percentage")]
    public async Task bad_defaults_are_refused_and_change_nothing(string body, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var response = await PostRawAsync(org.Owner, "/api/end-users/defaults", body.Replace("ORG", org.Id.ToString()), method: "PUT");

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(0, await EventsAsync(app, org.Id, "consumer_defaults_changed"));
    }
}
