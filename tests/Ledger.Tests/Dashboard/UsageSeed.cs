using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Dashboard;

/// <summary>
/// Usage of three consumers over two months, as the gateway reports it: tenant_acme on two models
/// with an error, and a request 40 days back (outside the default 30 days); tenant_beta and tenant_gamma.
/// </summary>
public static class UsageSeed
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static DateOnly DaysAgo(int n) => Today.AddDays(-n);

    public static string Day(int daysAgo) => DaysAgo(daysAgo).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static readonly object[] Records =
    [
        UsageRecord("acme-1", "tenant_acme", model: "gpt-4o", input: 1000, output: 500, cost: 0.50m, at: At(1)),
        UsageRecord("acme-2", "tenant_acme", model: "claude-sonnet-4", input: 400, output: 100, cost: 0.25m, at: At(1, 11)),
        UsageRecord("acme-3", "tenant_acme", model: "gpt-4o", input: 200, output: 100, cost: 0.25m, status: "error", at: At(3)),
        UsageRecord("acme-4", "tenant_acme", model: "gpt-4o", input: 2000, output: 1000, cost: 1.00m, at: At(40)),
        UsageRecord("beta-1", "tenant_beta", model: "gpt-4o-mini", input: 100, output: 50, cost: 0.10m, at: At(2)),
        UsageRecord("gamma-1", "tenant_gamma", model: "claude-sonnet-4", input: 300, output: 60, cost: 0.05m, at: At(5)),
        UsageRecord("gamma-2", "tenant_gamma", model: "gpt-4o", input: 10, output: 5, cost: 0.01m, at: At(50)),
    ];

    /// <summary>Posts the records and waits until the async read models (spend log, daily activity) show them all.</summary>
    public static async Task PostAsync(DashboardSite site, DashboardSite.Organization org, params object[] records)
    {
        records = records.Length == 0 ? Records : records;
        using var ingest = site.Client(org.IngestToken);
        var posted = await PostUsageAsync(ingest, records);
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        using var owner = site.Client(org.OwnerToken);
        var users = records.Select(r => (string)r.GetType().GetProperty("user")!.GetValue(r)!).ToList();
        await UntilAsync(async () => (await owner.GetFromJsonAsync<JsonElement>("/v1/activity?limit=1000")).GetProperty("data").GetArrayLength() == records.Length);
        foreach (var user in users.Distinct())
            await UntilAsync(async () =>
            {
                var series = await owner.GetFromJsonAsync<JsonElement>(
                    $"/api/consumers/{user}/activity?organization_id={org.Id}&start_date={Day(60)}&end_date={Day(0)}");
                return series.GetProperty("days").EnumerateArray().Sum(d => d.GetProperty("requests").GetInt64()) == users.Count(u => u == user);
            });
    }

    /// <summary>Reloads the page until the locator finds something: the async read models trail the writes by moments.</summary>
    public static async Task ReloadUntilAsync(Visit visit, ILocator locator)
    {
        await UntilAsync(async () =>
        {
            await visit.Page.GotoAsync(visit.Page.Url);
            return await locator.CountAsync() > 0;
        });
    }

    /// <summary>A member with the given role who owns one key, and that key's id.</summary>
    public static async Task<string> MemberWithKeyAsync(DashboardSite site, DashboardSite.Organization org, string userId, string role, string keyId)
    {
        using var owner = site.Client(org.OwnerToken);
        var member = await owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = userId, role });
        Assert.True(member.IsSuccessStatusCode, await member.Content.ReadAsStringAsync());
        var key = await owner.PostAsJsonAsync("/api/keys", new { organization_id = org.Id, key_id = keyId, team_id = "production", owner_user_id = userId });
        Assert.True(key.IsSuccessStatusCode, await key.Content.ReadAsStringAsync());
        return (await member.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>Reads a downloaded CSV into its lines.</summary>
    public static async Task<string[]> LinesAsync(IDownload download) =>
        (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    private static DateTimeOffset At(int daysAgo, int hour = 10) => new(DaysAgo(daysAgo).ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The read models did not catch up within 30 seconds.");
            await Task.Delay(100);
        }
    }
}
