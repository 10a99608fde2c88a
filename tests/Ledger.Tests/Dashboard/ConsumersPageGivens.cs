using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Dashboard;

/// <summary>The givens of the Consumers page tests, made through the JSON API, and where things are on the page.</summary>
public sealed class ConsumersPageGivens(DashboardSite site)
{
    public static string PageOf(DashboardSite.Organization org) => $"/{org.Name}/end-users";

    /// <summary>Usage for each (user, requests, cost), through the given key.</summary>
    public async Task UsageAsync(DashboardSite.Organization org, string key, params (string User, int Requests, decimal Cost)[] usage)
    {
        using var ingest = site.Client(org.IngestToken);
        var records = usage.SelectMany(u => Enumerable.Range(0, u.Requests)
            .Select(i => UsageRecord($"{u.User}-{key}-{i}-{Guid.NewGuid():N}", user: u.User, key: key, cost: u.Cost / u.Requests))).ToArray();
        await (await PostUsageAsync(ingest, records)).JsonAsync(HttpStatusCode.Accepted);
    }

    public async Task<string> MemberAsync(DashboardSite.Organization org, string userId, string role)
    {
        using var owner = site.Client(org.OwnerToken);
        var created = await owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = userId, role });
        return (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("token").GetString()!;
    }

    public async Task KeyAsync(DashboardSite.Organization org, string keyId, string owner)
    {
        using var client = site.Client(org.OwnerToken);
        var response = await client.PostAsJsonAsync("/api/keys", new { organization_id = org.Id, key_id = keyId, team_id = "production", owner_user_id = owner });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> OverrideAsync(DashboardSite.Organization org, string endUserId)
    {
        using var owner = site.Client(org.OwnerToken);
        var body = await (await owner.GetAsync($"/api/end-users/overrides?organization_id={org.Id}&end_user_id={endUserId}")).JsonAsync(HttpStatusCode.OK);
        return Assert.Single(body.GetProperty("overrides").EnumerateArray());
    }

    public static ILocator Rows(IPage page) => page.Locator("table.data tbody tr");

    public static ILocator Row(IPage page, string endUserId) =>
        Rows(page).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = endUserId, Exact = true }) });

    public static Task<IReadOnlyList<string>> IdsAsync(IPage page) => page.Locator("table.data tbody th[scope=row] > a").AllTextContentsAsync();

    /// <summary>Reloads the page until the locator finds something: the period figures come from an async projection.</summary>
    public static async Task ReloadUntilShownAsync(Visit visit, string path, ILocator locator)
    {
        for (var i = 0; i < 100; i++)
        {
            await visit.GoAsync(path);
            if (await locator.CountAsync() > 0) return;
            await visit.Page.WaitForTimeoutAsync(200);
        }
    }
}
