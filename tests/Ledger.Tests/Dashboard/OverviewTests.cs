using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Dashboard;

/// <summary>The Overview page at /&lt;org&gt;: the period's totals, spend and active consumers per day, and the top spenders.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewTests(DashboardSite site)
{
    private static readonly DateTimeOffset Today = DateTimeOffset.UtcNow;
    private static readonly DateTimeOffset TwoDaysAgo = new DateTimeOffset(Today.UtcDateTime.Date, TimeSpan.Zero).AddDays(-2).AddHours(12);

    [Fact]
    public async Task seeded_usage_shows_in_the_cards_the_charts_and_their_text()
    {
        var org = await site.OrganizationAsync();
        using var ingest = site.Client(org.IngestToken);
        Assert.Equal(HttpStatusCode.Accepted, (await PostUsageAsync(ingest,
            UsageRecord("r1", "tenant_a", cost: 1.25m, at: TwoDaysAgo),
            UsageRecord("r2", "tenant_a", cost: 0.50m, at: Today),
            UsageRecord("r3", "tenant_b", cost: 0.75m, at: Today))).StatusCode);
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        await ShownAsync(visit, $"/{org.Name}", "$2.50");

        var page = visit.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(Card(page, "Spend")).ToContainTextAsync("$2.50");
        await Assertions.Expect(Card(page, "Requests")).ToContainTextAsync("3");
        await Assertions.Expect(Card(page, "Tokens")).ToContainTextAsync("450");
        await Assertions.Expect(Card(page, "Active consumers")).ToContainTextAsync("2");
        var spendChart = page.GetByRole(AriaRole.Img, new() { Name = "Spend per day", Exact = false });
        await Assertions.Expect(spendChart).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"30 days .*highest \$1\.25 on " + Day(TwoDaysAgo) + @".*total \$2\.50"));
        await page.GetByText("Spend per day as a table").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = Day(TwoDaysAgo) + " $1.25" })).ToBeVisibleAsync();
        var top = page.GetByRole(AriaRole.Figure).Filter(new() { HasText = "Top consumers by spend" }).GetByRole(AriaRole.Listitem);
        await Assertions.Expect(top).ToHaveCountAsync(2);
        await Assertions.Expect(top.First).ToContainTextAsync("tenant_a");
        await Assertions.Expect(top.First).ToContainTextAsync("$1.75");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "tenant_b" })).ToHaveAttributeAsync("href", $"/{org.Name}/end-users/tenant_b");
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("overview-1280");

        await using var phone = await site.OpenAsync(width: 390);
        await phone.SignInAsync(org.OwnerToken);
        await phone.GoAsync($"/{org.Name}");
        await Assertions.Expect(Card(phone.Page, "Spend")).ToContainTextAsync("$2.50");
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync("overview-390");
    }

    [Fact]
    public async Task the_date_range_lives_in_the_address_and_a_backwards_one_is_refused_beside_its_field()
    {
        var org = await site.OrganizationAsync();
        using var ingest = site.Client(org.IngestToken);
        var longAgo = TwoDaysAgo.AddDays(-40);
        await PostUsageAsync(ingest, UsageRecord("old", "tenant_old", cost: 4m, at: longAgo), UsageRecord("new", "tenant_new", cost: 1m, at: Today));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await ShownAsync(visit, $"/{org.Name}", "$1.00");
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Link, new() { Name = "tenant_old" })).ToHaveCountAsync(0);

        await visit.Page.GetByLabel("From", new() { Exact = true }).FillAsync(Day(longAgo.AddDays(-1)));
        await visit.Page.GetByLabel("To", new() { Exact = true }).FillAsync(Day(longAgo.AddDays(1)));
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        await visit.Page.WaitForURLAsync($"**/{org.Name}?from={Day(longAgo.AddDays(-1))}&to={Day(longAgo.AddDays(1))}");
        await Assertions.Expect(Card(visit.Page, "Spend")).ToContainTextAsync("$4.00");
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Link, new() { Name = "tenant_old" })).ToBeVisibleAsync();
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Img, new() { Name = "Spend per day", Exact = false })).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("^Spend per day: 3 days"));

        await visit.GoAsync($"/{org.Name}?from={Day(Today)}&to={Day(longAgo)}");
        await Assertions.Expect(visit.Page.GetByText("To must not be before From.")).ToBeVisibleAsync();
        await Assertions.Expect(visit.Page.GetByLabel("To", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task an_organization_without_usage_says_so()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        Assert.Equal(200, await visit.GoAsync($"/{org.Name}"));

        await Assertions.Expect(visit.Page.GetByText("No usage yet.")).ToBeVisibleAsync();
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Link, new() { Name = "Register a key" })).ToHaveAttributeAsync("href", $"/{org.Name}/keys");
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("overview-empty");
    }

    [Fact]
    public async Task a_member_sees_the_consumers_of_their_keys_only_and_no_lifetime_totals()
    {
        var org = await site.OrganizationAsync();
        using var owner = site.Client(org.OwnerToken);
        var added = await owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = "bob", role = "member" });
        var bobToken = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.True((await owner.PostAsJsonAsync("/api/keys", new { organization_id = org.Id, key_id = "key_bob", owner_user_id = "bob" })).IsSuccessStatusCode);
        using var ingest = site.Client(org.IngestToken);
        await PostUsageAsync(ingest, UsageRecord("b1", "tenant_bobs", key: "key_bob", cost: 0.30m, at: Today),
            UsageRecord("o1", "tenant_others", cost: 9m, at: Today));
        await using var visit = await site.SignedInAsync(bobToken);

        await ShownAsync(visit, $"/{org.Name}", "$0.30");

        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Link, new() { Name = "tenant_bobs" })).ToBeVisibleAsync();
        await Assertions.Expect(visit.Page.GetByText("tenant_others")).ToHaveCountAsync(0);
        await Assertions.Expect(visit.Page.GetByText("Lifetime:")).ToHaveCountAsync(0);
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Navigation, new() { Name = "Scope" })).ToHaveCountAsync(0);
    }

    private static ILocator Card(IPage page, string heading) =>
        page.GetByRole(AriaRole.Region, new() { Name = "Totals for the period" }).Locator(".card")
            .Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true }) });

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The daily figures come from an async projection: the page, reloaded until its Spend card shows the amount.</summary>
    private static async Task ShownAsync(Visit visit, string path, string spend)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            await visit.GoAsync(path);
            if (await Card(visit.Page, "Spend").CountAsync() == 1 && (await Card(visit.Page, "Spend").InnerTextAsync()).Contains(spend, StringComparison.Ordinal)) return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the Spend card never showed {spend}:\n{await visit.Page.InnerTextAsync("main")}");
        }
    }
}
