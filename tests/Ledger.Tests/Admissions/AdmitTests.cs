using System.Net;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Admissions;

/// <summary>POST /v1/admissions: the answers a gateway acts on.</summary>
[Collection(LedgerCollection.Name)]
public class AdmitTests(LedgerApp app)
{
    [Fact]
    public async Task a_request_under_every_cap_is_admitted_with_a_reservation_that_expires_in_ten_minutes()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var body = await AdmittedAsync(org.Ingest, "req-1", cost: 0.02m);

        Assert.True(body.GetProperty("admitted").GetBoolean());
        Assert.NotEqual(Guid.Empty, body.GetProperty("reservation_id").GetGuid());
        var expires = body.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9.5), TimeSpan.FromMinutes(10));
        Assert.Equal(1, await EventsAppendedAsync(app, org.Id, "request_admitted"));
    }

    [Fact]
    public async Task the_request_after_the_rpm_limit_gets_429_with_retry_after_and_names_the_cap()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { rpm_limit = 5 })).JsonAsync(HttpStatusCode.OK);

        for (var i = 0; i < 5; i++) await AdmittedAsync(org.Ingest, $"req-{i}");
        var sixth = await AdmitAsync(org.Ingest, "req-5");

        var problem = await sixth.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("consumer", problem.GetProperty("scope").GetString());
        Assert.Equal("rpm", problem.GetProperty("limit_kind").GetString());
        Assert.Equal(5, problem.GetProperty("limit").GetDecimal());
        Assert.Equal(5, problem.GetProperty("current").GetDecimal());
        var retryAfter = sixth.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60));
        // A rejected request holds no reservation, and is recorded for analytics.
        Assert.Equal(5, await OpenReservationsAsync(app, org.Id));
        Assert.Equal(1, await EventsAppendedAsync(app, org.Id, "request_rejected"));
    }

    [Fact]
    public async Task another_consumer_is_not_held_back_by_a_consumer_at_its_rpm()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { rpm_limit = 1 })).JsonAsync(HttpStatusCode.OK);
        await AdmittedAsync(org.Ingest, "req-1");

        await (await AdmitAsync(org.Ingest, "req-2")).ProblemAsync(HttpStatusCode.TooManyRequests);
        await AdmittedAsync(org.Ingest, "req-3", user: "tenant_other");
        await AdmittedAsync(org.Ingest, "req-4", user: null);
    }

    [Fact]
    public async Task tpm_counts_settled_tokens_so_one_large_request_overshoots_and_the_next_is_rejected()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await RegisterKeyAsync(org, "key_prod_1", "alice");
        await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_prod_1", tpm: 1000)).JsonAsync(HttpStatusCode.OK);

        await AdmittedAsync(org.Ingest, "big");
        await (await PostUsageAsync(org.Ingest, UsageRecord("big", input: 4000, output: 1000))).JsonAsync(HttpStatusCode.Accepted);
        var next = await AdmitAsync(org.Ingest, "next");

        var problem = await next.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("key", problem.GetProperty("scope").GetString());
        Assert.Equal("tpm", problem.GetProperty("limit_kind").GetString());
        Assert.Equal(5000, problem.GetProperty("current").GetDecimal());
        Assert.NotNull(next.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task the_lifetime_budget_counts_open_reservations_and_refuses_with_402_from_the_request_that_reaches_it()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { max_budget = 1.00m })).JsonAsync(HttpStatusCode.OK);

        // 0, 0.30, 0.60, 0.90 are under the cap; at 1.20 reserved the cap is reached.
        for (var i = 0; i < 4; i++) await AdmittedAsync(org.Ingest, $"req-{i}", cost: 0.30m);
        var fifth = await AdmitAsync(org.Ingest, "req-4", cost: 0.30m);

        var problem = await fifth.ProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Equal("consumer", problem.GetProperty("scope").GetString());
        Assert.Equal("max_budget", problem.GetProperty("limit_kind").GetString());
        Assert.Equal(1.00m, problem.GetProperty("limit").GetDecimal());
        Assert.Equal(1.20m, problem.GetProperty("current").GetDecimal());
        Assert.False(fifth.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task settlement_closes_the_reservation_and_the_actual_cost_counts_instead_of_the_estimate()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { max_budget = 1.00m })).JsonAsync(HttpStatusCode.OK);
        await AdmittedAsync(org.Ingest, "req-1", cost: 0.90m);
        await AdmittedAsync(org.Ingest, "req-2", cost: 0.10m);
        await (await AdmitAsync(org.Ingest, "req-3", cost: 0.05m)).ProblemAsync(HttpStatusCode.PaymentRequired);

        await (await PostUsageAsync(org.Ingest, UsageRecord("req-1", cost: 0.10m))).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(1, await OpenReservationsAsync(app, org.Id));
        await AdmittedAsync(org.Ingest, "req-4", cost: 0.05m); // 0.10 settled + 0.10 reserved
    }

    [Fact]
    public async Task once_settled_spend_reaches_the_budget_every_request_gets_402_until_the_cap_is_raised()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("old", cost: 2.00m))).JsonAsync(HttpStatusCode.Accepted);
        await (await OverrideAsync(org, "tenant_acme", new { max_budget = 2.00m })).JsonAsync(HttpStatusCode.OK);

        await (await AdmitAsync(org.Ingest, "req-1")).ProblemAsync(HttpStatusCode.PaymentRequired);
        await (await OverrideAsync(org, "tenant_acme", new { max_budget = 3.00m })).JsonAsync(HttpStatusCode.OK);
        await AdmittedAsync(org.Ingest, "req-2");
    }

    [Fact]
    public async Task markup_changes_reported_spend_but_never_enforcement()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { max_budget = 1.00m, markup_percentage = 100m }))
            .JsonAsync(HttpStatusCode.OK);
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", cost: 0.60m))).JsonAsync(HttpStatusCode.Accepted);

        await AdmittedAsync(org.Ingest, "req-1"); // 0.60 raw, though 1.20 with markup
    }

    [Theory]
    [InlineData("default")]
    [InlineData("override")]
    public async Task a_consumers_tpm_cap_from_the_defaults_or_its_own_override_counts_its_settled_tokens(string from)
    {
        var org = await app.Scenarios.OrganizationAsync();
        if (from == "default")
            await (await PutDefaultsAsync(org.Owner, org.Id, new { tpm_limit = 1000 })).JsonAsync(HttpStatusCode.OK);
        else
            await (await OverrideAsync(org, "tenant_acme", new { tpm_limit = 1000 })).JsonAsync(HttpStatusCode.OK);

        await (await PostUsageAsync(org.Ingest, UsageRecord("big", input: 900, output: 300))).JsonAsync(HttpStatusCode.Accepted);
        await AdmittedAsync(org.Ingest, "other-consumer", user: "tenant_globex");
        var problem = await (await AdmitAsync(org.Ingest, "next")).ProblemAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal("consumer", problem.GetProperty("scope").GetString());
        Assert.Equal("tpm", problem.GetProperty("limit_kind").GetString());
        Assert.Equal(1200, problem.GetProperty("current").GetDecimal());
    }

    [Fact]
    public async Task a_daily_period_budget_counts_only_todays_spend()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { budget_duration = "daily", period_budget = 0.50m }))
            .JsonAsync(HttpStatusCode.OK);
        await (await PostUsageAsync(org.Ingest, UsageRecord("yesterday", cost: 5.00m, at: DateTimeOffset.UtcNow.AddDays(-1))))
            .JsonAsync(HttpStatusCode.Accepted);
        await AdmittedAsync(org.Ingest, "req-1");

        await (await PostUsageAsync(org.Ingest, UsageRecord("today", cost: 0.50m))).JsonAsync(HttpStatusCode.Accepted);
        var problem = await (await AdmitAsync(org.Ingest, "req-2")).ProblemAsync(HttpStatusCode.PaymentRequired);

        Assert.Equal("period_budget", problem.GetProperty("limit_kind").GetString());
        Assert.Equal(0.50m, problem.GetProperty("current").GetDecimal());
    }

    [Theory]
    [InlineData("daily")]
    [InlineData("weekly")]
    [InlineData("monthly")]
    [InlineData("yearly")]
    public async Task a_recurring_period_budget_counts_the_spend_since_its_start_and_none_before(string duration)
    {
        var org = await app.Scenarios.OrganizationAsync();
        // The organization's default is daily: a consumer's own period, when it sets one, replaces it whole.
        await (await PutDefaultsAsync(org.Owner, org.Id, new { budget_duration = "daily", period_budget = 100m })).JsonAsync(HttpStatusCode.OK);
        await (await OverrideAsync(org, "tenant_acme", new { budget_duration = duration, period_budget = 0.30m })).JsonAsync(HttpStatusCode.OK);
        var period = BudgetPeriod.Current(new PeriodCap(0.30m, Enum.Parse<BudgetDuration>(duration, ignoreCase: true), null, null), DateTimeOffset.UtcNow)!.Value;
        await (await PostUsageAsync(org.Ingest, UsageRecord("before", cost: 5.00m, at: period.Start.AddSeconds(-1)))).JsonAsync(HttpStatusCode.Accepted);
        await (await PostUsageAsync(org.Ingest, UsageRecord("first-moment", cost: 0.20m, at: period.Start))).JsonAsync(HttpStatusCode.Accepted);
        await AdmittedAsync(org.Ingest, "req-1", cost: 0m);

        await (await PostUsageAsync(org.Ingest, UsageRecord("now", cost: 0.10m))).JsonAsync(HttpStatusCode.Accepted);
        var problem = await (await AdmitAsync(org.Ingest, "req-2")).ProblemAsync(HttpStatusCode.PaymentRequired);

        Assert.Equal("period_budget", problem.GetProperty("limit_kind").GetString());
        Assert.Equal(0.30m, problem.GetProperty("current").GetDecimal());
    }

    [Fact]
    public async Task an_explicit_period_in_force_counts_the_spend_of_its_days_and_refuses_once_it_reaches_the_budget()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var start = DateTimeOffset.UtcNow.Date.AddDays(-1);
        await (await OverrideAsync(org, "tenant_acme",
            new { period_budget = 0.50m, period_start = new DateTimeOffset(start, TimeSpan.Zero), period_end = new DateTimeOffset(start.AddDays(3), TimeSpan.Zero) }))
            .JsonAsync(HttpStatusCode.OK);
        await (await PostUsageAsync(org.Ingest,
            UsageRecord("before", cost: 5.00m, at: new DateTimeOffset(start.AddSeconds(-1), TimeSpan.Zero)),
            UsageRecord("first-day", cost: 0.20m, at: new DateTimeOffset(start.AddHours(1), TimeSpan.Zero)),
            UsageRecord("other-consumer", user: "tenant_globex", cost: 3.00m))).JsonAsync(HttpStatusCode.Accepted);
        await AdmittedAsync(org.Ingest, "req-1", cost: 0m);

        await (await PostUsageAsync(org.Ingest, UsageRecord("now", cost: 0.30m))).JsonAsync(HttpStatusCode.Accepted);
        var problem = await (await AdmitAsync(org.Ingest, "req-2")).ProblemAsync(HttpStatusCode.PaymentRequired);

        Assert.Equal("consumer", problem.GetProperty("scope").GetString());
        Assert.Equal("period_budget", problem.GetProperty("limit_kind").GetString());
        Assert.Equal(0.50m, problem.GetProperty("limit").GetDecimal());
        Assert.Equal(0.50m, problem.GetProperty("current").GetDecimal());
    }

    [Fact]
    public async Task a_period_counts_the_same_spend_before_and_after_midnight_moves_the_kept_day()
    {
        // A node whose clock starts yesterday: its first sweep after its midnight moves the day that
        // consumers' lifetime spend rows keep into the daily rows.
        var clock = new MovableClock();
        clock.Advance(TimeSpan.FromDays(-1));
        await using var node = new LedgerApp { Settings = new Dictionary<string, string> { ["Ledger:Admissions:ExpirySweepInterval"] = "00:00:00.200" }, Clock = clock };
        await node.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var today = DateTimeOffset.UtcNow.Date;
        async Task PeriodFromAsync(DateTime start) => await (await OverrideAsync(org, "tenant_acme", new
        {
            period_budget = 1.00m,
            period_start = new DateTimeOffset(start, TimeSpan.Zero),
            period_end = new DateTimeOffset(today.AddDays(2), TimeSpan.Zero),
        })).JsonAsync(HttpStatusCode.OK);
        async Task RefusedAtAsync(string request, decimal current) =>
            Assert.Equal(current, (await (await AdmitAsync(org.Ingest, request, cost: 0m)).ProblemAsync(HttpStatusCode.PaymentRequired))
                .GetProperty("current").GetDecimal());

        await PeriodFromAsync(today.AddDays(-1));
        await (await PostUsageAsync(org.Ingest, UsageRecord("yesterday", cost: 1.00m, at: new DateTimeOffset(today.AddHours(-12), TimeSpan.Zero))))
            .JsonAsync(HttpStatusCode.Accepted);
        await RefusedAtAsync("before-midnight", 1.00m);

        clock.Advance(TimeSpan.FromDays(1));
        await WaitUntilAsync(async () => await KeptDaySpendAsync(org.Id) == 0m);
        await RefusedAtAsync("after-midnight", 1.00m);

        // Today's spend, kept in the lifetime row again, counts; yesterday's, in the daily rows, does not.
        await PeriodFromAsync(today);
        await AdmittedAsync(org.Ingest, "today-first", cost: 0m);
        await (await PostUsageAsync(org.Ingest, UsageRecord("today-1", cost: 0.70m))).JsonAsync(HttpStatusCode.Accepted);
        await (await PostUsageAsync(org.Ingest, UsageRecord("today-2", cost: 0.30m))).JsonAsync(HttpStatusCode.Accepted);
        await RefusedAtAsync("today-last", 1.00m);
        Assert.Equal(1.00m, await KeptDaySpendAsync(org.Id));
    }

    /// <summary>The spend of the day the consumer's lifetime row keeps (0 once moved to the daily rows).</summary>
    private async Task<decimal> KeptDaySpendAsync(Guid org)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select day_spend from ledger.scope_spend where organization_id = $1 and scope = 0", connection);
        command.Parameters.AddWithValue(org);
        return (decimal)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task an_explicit_period_that_has_ended_no_longer_refuses()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var start = DateTimeOffset.UtcNow.Date.AddDays(-10);
        await (await OverrideAsync(org, "tenant_acme",
            new { period_budget = 0.10m, period_start = start, period_end = start.AddDays(5) })).JsonAsync(HttpStatusCode.OK);
        await (await PostUsageAsync(org.Ingest, UsageRecord("then", cost: 1.00m, at: start.AddDays(1)))).JsonAsync(HttpStatusCode.Accepted);

        await AdmittedAsync(org.Ingest, "req-1");
    }

    [Fact]
    public async Task caps_stack_and_the_tightest_names_its_scope()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await RegisterKeyAsync(org, "key_prod_1", "alice");
        await (await OverrideAsync(org, "tenant_acme", new { rpm_limit = 10 })).JsonAsync(HttpStatusCode.OK);
        await (await PutTeamLimitsAsync(org.Owner, org.Id, "research", rpm: 3)).JsonAsync(HttpStatusCode.OK);
        await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_prod_1", rpm: 100)).JsonAsync(HttpStatusCode.OK);

        for (var i = 0; i < 3; i++) await AdmittedAsync(org.Ingest, $"req-{i}", team: "research");
        var team = await (await AdmitAsync(org.Ingest, "req-3", team: "research")).ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("team", team.GetProperty("scope").GetString());

        // Without the team, the consumer's 10 still applies; a tighter key cap then names the key.
        await (await PutKeyLimitsAsync(org.Owner, org.Id, "key_prod_1", rpm: 4)).JsonAsync(HttpStatusCode.OK);
        await AdmittedAsync(org.Ingest, "req-4");
        var key = await (await AdmitAsync(org.Ingest, "req-5")).ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("key", key.GetProperty("scope").GetString());
        Assert.Equal(4, key.GetProperty("limit").GetDecimal());
    }

    [Fact]
    public async Task a_team_budget_counts_spend_of_every_key_and_consumer_in_the_team()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PutTeamLimitsAsync(org.Owner, org.Id, "research", maxBudget: 1.00m)).JsonAsync(HttpStatusCode.OK);
        await (await PostUsageAsync(org.Ingest,
            UsageRecord("a", user: "t1", key: "k1", cost: 0.50m, team: "research"),
            UsageRecord("b", user: "t2", key: "k2", cost: 0.50m, team: "research"))).JsonAsync(HttpStatusCode.Accepted);

        var problem = await (await AdmitAsync(org.Ingest, "req-1", user: "t3", key: "k3", team: "research")).ProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Equal("team", problem.GetProperty("scope").GetString());
        await AdmittedAsync(org.Ingest, "req-2", user: "t3", key: "k3", team: "production");
    }

    [Fact]
    public async Task retrying_an_admission_answers_the_same_reservation_and_counts_once()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { rpm_limit = 2 })).JsonAsync(HttpStatusCode.OK);

        var first = await AdmittedAsync(org.Ingest, "req-1");
        var again = await AdmittedAsync(org.Ingest, "req-1");

        Assert.Equal(first.GetProperty("reservation_id").GetGuid(), again.GetProperty("reservation_id").GetGuid());
        await AdmittedAsync(org.Ingest, "req-2");
        Assert.Equal(2, await EventsAppendedAsync(app, org.Id, "request_admitted"));
    }

    [Fact]
    public async Task admitting_a_request_that_already_settled_is_a_conflict()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await AdmittedAsync(org.Ingest, "req-1");
        await (await PostUsageAsync(org.Ingest, UsageRecord("req-1"))).JsonAsync(HttpStatusCode.Accepted);

        await (await AdmitAsync(org.Ingest, "req-1")).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task a_reserved_identifier_as_user_is_admitted_against_key_and_team_caps_only()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PutDefaultsAsync(org.Owner, org.Id, new { rpm_limit = 1 })).JsonAsync(HttpStatusCode.OK);

        await AdmittedAsync(org.Ingest, "req-1", user: "default_user_id");
        await AdmittedAsync(org.Ingest, "req-2", user: "default_user_id");
    }
}
