using System.Net.Http.Json;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Dashboard;

/// <summary>
/// Every main page of a busy organization, at a desktop's width and a phone's: it answers, it has its
/// heading, axe-core finds nothing serious, the console stays clean, and nothing but a table's own
/// scroller is wider than the screen. With LEDGER_SCREENSHOTS set to a folder, the pages are also
/// saved there (docs/screenshots is made this way).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PageLayoutTests(DashboardSite site)
{
    [Theory]
    [InlineData(1280, 900, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task every_main_page_fits_the_screen_and_passes_axe(int width, int height, string device)
    {
        var org = await site.OrganizationAsync();
        await SeedAsync(org);
        await using var visit = await site.OpenAsync(width, height);
        await visit.SignInAsync(org.OwnerToken);
        (string Path, string Heading, string Name)[] pages =
        [
            ($"/{org.Name}", "Overview", "overview"),
            ($"/{org.Name}/end-users", "Consumers", "consumers"),
            ($"/{org.Name}/end-users/tenant_acme", "tenant_acme", "consumer"),
            ($"/{org.Name}/activity", "Activity", "activity"),
            ($"/{org.Name}/keys", "Keys", "keys"),
            ($"/{org.Name}/settings/members", "Members", "members"),
            ($"/{org.Name}/settings/audit-log", "Audit log", "audit-log"),
        ];

        foreach (var (path, heading, name) in pages)
        {
            Assert.Equal(200, await visit.GoAsync(path));
            await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await visit.AssertAccessibleAsync();
            if (Environment.GetEnvironmentVariable("LEDGER_SCREENSHOTS") is { Length: > 0 } folder)
                await visit.Page.ScreenshotAsync(new() { Path = System.IO.Path.Combine(folder, $"{name}-{device}.png"), FullPage = true });
            var overflow = await visit.Page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 1, $"{path} at {width} px is {overflow} px wider than the screen: {await WidestAsync(visit.Page)}");
        }
    }

    /// <summary>The element reaching furthest right that is not inside a scrolling box, to say what overflows.</summary>
    private static Task<string> WidestAsync(IPage page) => page.EvaluateAsync<string>("""
        () => {
          let worst = null, right = window.innerWidth;
          for (const e of document.querySelectorAll('body *')) {
            if (e.closest('.table-wrap')) continue;
            const r = e.getBoundingClientRect().right;
            if (r > right) { right = r; worst = e; }
          }
          return worst ? `${worst.tagName.toLowerCase()}.${worst.className} (${worst.textContent.trim().slice(0, 40)}) reaches ${Math.round(right)} px` : 'nothing outside a table';
        }
        """);

    /// <summary>Two keys, eight consumers with two weeks of traffic over three models (one spending far more), tags, a limit and a member.</summary>
    private async Task SeedAsync(DashboardSite.Organization org)
    {
        using var owner = site.Client(org.OwnerToken);
        using var ingest = site.Client(org.IngestToken);
        foreach (var (key, team) in new[] { ("key_prod_1", "production"), ("key_batch_2", "research") })
            (await owner.PostAsJsonAsync("/api/keys", new { organization_id = org.Id, key_id = key, team_id = team, owner_user_id = "alice" })).EnsureSuccessStatusCode();
        (await owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = "bob", role = "admin" })).EnsureSuccessStatusCode();
        string[] consumers = ["tenant_acme", "tenant_globex", "tenant_initech", "tenant_umbrella", "tenant_hooli", "tenant_stark", "tenant_wayne", "tenant_wonka"];
        string[] models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4"];
        var today = DateTimeOffset.UtcNow;
        var records = new List<object>();
        for (var c = 0; c < consumers.Length; c++)
            for (var day = 0; day < 14; day += 1 + c % 3)
                for (var r = 0; r < 2 + (c + day) % 3; r++)
                    records.Add(UsageRecord($"{consumers[c]}-{day}-{r}", consumers[c], c % 2 == 0 ? "key_prod_1" : "key_batch_2",
                        input: 400 + 90 * r + 30 * c, output: 120 + 15 * day, cost: c == 0 ? 0.42m + 0.01m * r : 0.0031m * (c + 1) + 0.0007m * day,
                        status: (c + day + r) % 11 == 0 ? "error" : "success", at: today.AddDays(-day).AddMinutes(-7 * r - c), model: models[(c + r) % 3]));
        (await PostUsageAsync(ingest, [.. records])).EnsureSuccessStatusCode();
        foreach (var (consumer, tag) in new[] { ("tenant_acme", "enterprise"), ("tenant_acme", "eu"), ("tenant_globex", "trial"), ("tenant_hooli", "enterprise") })
            (await AddTagAsync(owner, org.Id, consumer, tag)).EnsureSuccessStatusCode();
        (await PutOverrideAsync(owner, org.Id, "tenant_acme", new { rpm_limit = 600, tpm_limit = 200_000, max_budget = 250m })).EnsureSuccessStatusCode();
    }
}
