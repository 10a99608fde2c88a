using System.Net;
using System.Text.Json;
using Ledger.Projections.DailyActivity;
using Ledger.Tests.Infrastructure;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.DependencyInjection;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Activity;

/// <summary>GET /api/consumers/{end_user_id}/activity: one consumer's day-by-day series from the async daily activity read model.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ConsumerActivityTests(LedgerApp app)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private static DateTimeOffset At(DateOnly day, int hour) => new(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);

    private async Task<JsonElement> ActivityAsync(HttpClient client, Guid org, string user, DateOnly first, DateOnly last) =>
        await (await client.GetAsync($"/api/consumers/{user}/activity?organization_id={org}&start_date={first:yyyy-MM-dd}&end_date={last:yyyy-MM-dd}"))
            .JsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task every_day_of_the_range_is_listed_with_its_usage_outcomes_rejections_and_models()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var twoDaysAgo = Today.AddDays(-2);
        await (await PostUsageAsync(org.Ingest,
            UsageRecord("r1", input: 100, output: 50, cost: 0.01m, at: At(twoDaysAgo, 1)),
            UsageRecord("r2", input: 200, output: 100, cost: 0.02m, status: "error", at: At(twoDaysAgo, 23), model: "claude-sonnet-4"),
            UsageRecord("r3", input: 10, output: 5, cost: 0.001m, at: At(twoDaysAgo.AddDays(-1), 23)), // the day before: outside the range
            UsageRecord("other", user: "tenant_globex", cost: 5m, at: At(twoDaysAgo, 2)))).JsonAsync(HttpStatusCode.Accepted);
        await (await OverrideAsync(org, "tenant_acme", new { rpm_limit = 1 })).JsonAsync(HttpStatusCode.OK);
        await AdmittedAsync(org.Ingest, "a1");
        await (await AdmitAsync(org.Ingest, "a2")).ProblemAsync(HttpStatusCode.TooManyRequests);
        await (await PostUsageAsync(org.Ingest, UsageRecord("a1", input: 7, output: 3, cost: 0.5m))).JsonAsync(HttpStatusCode.Accepted);
        await EventsAppendedAsync(app, org.Id, "request_rejected");
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        var body = await ActivityAsync(org.Owner, org.Id, "tenant_acme", twoDaysAgo, Today);

        Assert.Equal("tenant_acme", body.GetProperty("end_user_id").GetString());
        var days = body.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal([twoDaysAgo, Today.AddDays(-1), Today], days.Select(d => DateOnly.Parse(d.GetProperty("date").GetString()!)));

        var first = days[0];
        Assert.Equal(2, first.GetProperty("requests").GetInt64());
        Assert.Equal(300, first.GetProperty("input_tokens").GetInt64());
        Assert.Equal(150, first.GetProperty("output_tokens").GetInt64());
        Assert.Equal(450, first.GetProperty("total_tokens").GetInt64());
        Assert.Equal(0.03m, first.GetProperty("spend").GetDecimal());
        Assert.Equal(1, first.GetProperty("successes").GetInt64());
        Assert.Equal(1, first.GetProperty("errors").GetInt64());
        Assert.Equal(0, first.GetProperty("rejections").GetInt64());
        var models = first.GetProperty("models");
        Assert.Equal(150, models.GetProperty("gpt-4o").GetProperty("total_tokens").GetInt64());
        Assert.Equal(0.02m, models.GetProperty("claude-sonnet-4").GetProperty("spend").GetDecimal());
        Assert.Equal(1, models.GetProperty("claude-sonnet-4").GetProperty("requests").GetInt64());

        Assert.Equal(0, days[1].GetProperty("requests").GetInt64());
        Assert.Empty(days[1].GetProperty("models").EnumerateObject());

        Assert.Equal(1, days[2].GetProperty("requests").GetInt64());
        Assert.Equal(0.5m, days[2].GetProperty("spend").GetDecimal());
        Assert.Equal(1, days[2].GetProperty("rejections").GetInt64());
    }

    [Fact]
    public async Task rebuilding_daily_activity_from_history_gives_the_series_the_live_run_gave()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var records = Enumerable.Range(0, 40).Select(i => UsageRecord($"r{i}", user: $"tenant_{i % 3}", input: i, output: 2 * i,
            cost: 0.001m * i, status: i % 7 == 0 ? "error" : "success", at: At(Today.AddDays(-(i % 5)), i % 24),
            model: i % 2 == 0 ? "gpt-4o" : "claude-sonnet-4")).ToArray();
        await (await PostUsageAsync(org.Ingest, records)).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var live = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => ActivityAsync(org.Owner, org.Id, $"tenant_{i}", Today.AddDays(-5), Today)));
        Assert.All(live, l => Assert.Contains(l.GetProperty("days").EnumerateArray(), d => d.GetProperty("requests").GetInt64() > 0));
        await TableRows.WipeAsync(app.ConnectionString, org.Id, DailyActivityTables.Days, DailyActivityTables.Models);
        Assert.NotEqual(live.Select(l => l.ToString()),
            (await Task.WhenAll(Enumerable.Range(0, 3).Select(i => ActivityAsync(org.Owner, org.Id, $"tenant_{i}", Today.AddDays(-5), Today)))).Select(r => r.ToString()));

        var daemon = app.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();
        await daemon.RebuildProjectionAsync(DailyActivityProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);
        await daemon.StartAgentAsync($"{DailyActivityProjection.ProjectionName}:All", CancellationToken.None); // back to live
        var rebuilt = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => ActivityAsync(org.Owner, org.Id, $"tenant_{i}", Today.AddDays(-5), Today)));

        Assert.Equal(live.Select(l => l.ToString()), rebuilt.Select(r => r.ToString()));
    }

    [Fact]
    public async Task spend_with_markup_uses_the_markup_in_force_when_the_usage_happened_live_and_after_a_rebuild()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("plain", cost: 0.10m))).JsonAsync(HttpStatusCode.Accepted);
        await (await OverrideAsync(org, "tenant_acme", new { markup_percentage = 20 })).JsonAsync(HttpStatusCode.OK);
        await (await PostUsageAsync(org.Ingest, UsageRecord("at20", cost: 0.10m))).JsonAsync(HttpStatusCode.Accepted);
        await (await OverrideAsync(org, "tenant_acme", new { markup_percentage = 50, rpm_limit = 100 })).JsonAsync(HttpStatusCode.OK);
        await (await OverrideAsync(org, "tenant_acme", new { markup_percentage = 50, rpm_limit = 200 })).JsonAsync(HttpStatusCode.OK); // markup unchanged
        await (await PostUsageAsync(org.Ingest, UsageRecord("at50", cost: 0.10m), UsageRecord("other", user: "tenant_globex", cost: 1m)))
            .JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        async Task<(decimal Spend, decimal WithMarkup)> TodayAsync(string user)
        {
            var day = (await ActivityAsync(org.Owner, org.Id, user, Today, Today)).GetProperty("days")[0];
            return (day.GetProperty("spend").GetDecimal(), day.GetProperty("spend_with_markup").GetDecimal());
        }
        var live = await TodayAsync("tenant_acme");
        Assert.Equal((0.30m, 0.10m + 0.12m + 0.15m), live);
        Assert.Equal((1m, 1m), await TodayAsync("tenant_globex"));
        await TableRows.WipeAsync(app.ConnectionString, org.Id, DailyActivityTables.Days, DailyActivityTables.Models);
        Assert.Equal((0m, 0m), await TodayAsync("tenant_acme"));

        var daemon = app.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();
        await daemon.RebuildProjectionAsync(DailyActivityProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);
        await daemon.StartAgentAsync($"{DailyActivityProjection.ProjectionName}:All", CancellationToken.None);

        Assert.Equal(live, await TodayAsync("tenant_acme"));
    }

    [Theory]
    [InlineData("start_date=2026-01-01&end_date=2027-01-02", "end_date")] // 367 days
    [InlineData("start_date=2026-03-02&end_date=2026-03-01", "end_date")]
    [InlineData("start_date=2026-02-30", "start_date")]
    [InlineData("end_date=yesterday", "end_date")]
    [InlineData("start_date=2026-1-5", "start_date")]
    [InlineData("start_date=2998-01-01", "start_date")]
    [InlineData("end_date=0001-01-01", "end_date")]
    [InlineData("end_date=9999-12-31", "end_date")]
    public async Task a_bad_range_is_refused_with_400_naming_the_parameter(string range, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1"))).JsonAsync(HttpStatusCode.Accepted);

        var problem = await (await org.Owner.GetAsync($"/api/consumers/tenant_acme/activity?organization_id={org.Id}&{range}"))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task a_full_year_of_366_days_is_allowed_and_listed_whole()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1"))).JsonAsync(HttpStatusCode.Accepted);

        var body = await ActivityAsync(org.Owner, org.Id, "tenant_acme", Today.AddDays(-365), Today);

        Assert.Equal(366, body.GetProperty("days").GetArrayLength());
    }

    [Fact]
    public async Task without_dates_the_last_30_days_are_listed()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1"))).JsonAsync(HttpStatusCode.Accepted);

        var body = await (await org.Owner.GetAsync($"/api/consumers/tenant_acme/activity?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);

        var days = body.GetProperty("days").EnumerateArray().Select(d => DateOnly.Parse(d.GetProperty("date").GetString()!)).ToList();
        Assert.Equal(30, days.Count);
        Assert.Equal(Today, days[^1]);
    }

    [Fact]
    public async Task an_unknown_consumer_or_another_organizations_answers_404()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var other = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(other.Ingest, UsageRecord("r1"))).JsonAsync(HttpStatusCode.Accepted);

        await (await org.Owner.GetAsync($"/api/consumers/tenant_acme/activity?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await org.Owner.GetAsync($"/api/consumers/tenant_acme/activity?organization_id={other.Id}")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
