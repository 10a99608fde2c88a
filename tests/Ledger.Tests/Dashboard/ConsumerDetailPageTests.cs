using System.Text.RegularExpressions;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using static Ledger.Tests.Dashboard.UsageSeed;

namespace Ledger.Tests.Dashboard;

/// <summary>One consumer's page: its figures, daily charts, models, tags and limits, recent requests and audit entries.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ConsumerDetailPageTests(DashboardSite site)
{
    [Fact]
    public async Task the_page_shows_lifetime_cards_the_last_30_days_models_and_recent_requests()
    {
        var org = await site.OrganizationAsync();
        await PostAsync(site, org);
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        Assert.Equal(200, await visit.GoAsync($"/{org.Name}/end-users/tenant_acme"));

        var page = visit.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "tenant_acme", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = "Consumers" })).ToBeVisibleAsync();
        var cards = page.GetByRole(AriaRole.Region, new() { Name = "Summary" });
        await Assertions.Expect(cards).ToContainTextAsync(new Regex(@"Total spend\s*\$2\.00"));
        await Assertions.Expect(cards).ToContainTextAsync(new Regex(@"Requests\s*4\s*Lifetime"));
        await Assertions.Expect(cards).ToContainTextAsync(new Regex(@"Total tokens\s*5,300"));
        await Assertions.Expect(cards).ToContainTextAsync(new Regex(@"Success rate\s*66\.7%\s*2 of 3 settled"));
        await Assertions.Expect(page.GetByLabel("From", new() { Exact = true })).ToHaveValueAsync(Day(29));
        await Assertions.Expect(page.GetByLabel("To", new() { Exact = true })).ToHaveValueAsync(Day(0));

        var models = page.GetByRole(AriaRole.Table, new() { Name = "Models" });
        await Assertions.Expect(models.GetByRole(AriaRole.Row, new() { Name = "gpt-4o" })).ToHaveTextAsync(new Regex("gpt-4o\\s*2\\s*1,800\\s*\\$0\\.75\\s*75%"));
        await Assertions.Expect(models.GetByRole(AriaRole.Row, new() { Name = "claude-sonnet-4" })).ToContainTextAsync("25%");

        await page.GetByText("Spend per day as a table").ClickAsync();
        var spendTable = page.GetByRole(AriaRole.Group).Filter(new() { HasText = "Spend per day as a table" });
        await Assertions.Expect(spendTable.GetByRole(AriaRole.Row, new() { Name = Day(1) })).ToContainTextAsync("$0.75");
        await Assertions.Expect(spendTable.GetByRole(AriaRole.Row, new() { Name = Day(3) })).ToContainTextAsync("$0.25");
        await Assertions.Expect(spendTable.GetByRole(AriaRole.Row, new() { Name = Day(40) })).ToHaveCountAsync(0);

        var recent = page.GetByRole(AriaRole.Table, new() { Name = "Recent requests of tenant_acme, newest first" });
        await Assertions.Expect(recent.Locator("tbody tr")).ToHaveCountAsync(4);
        await Assertions.Expect(recent.Locator("tbody tr").First).ToContainTextAsync("acme-2");
        await Assertions.Expect(recent.GetByRole(AriaRole.Row).Filter(new() { HasText = "acme-3" })).ToContainTextAsync("error");

        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("consumer-detail-1280");
    }

    [Fact]
    public async Task a_date_range_in_the_address_changes_the_charts_models_and_success_rate()
    {
        var org = await site.OrganizationAsync();
        await PostAsync(site, org);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/end-users/tenant_acme");

        await visit.Page.GetByLabel("From", new() { Exact = true }).FillAsync(Day(45));
        await visit.Page.GetByLabel("To", new() { Exact = true }).FillAsync(Day(35));
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        await visit.Page.WaitForURLAsync($"**/end-users/tenant_acme?start_date={Day(45)}&end_date={Day(35)}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var page = visit.Page;
        await page.GetByText("Requests per day as a table").ClickAsync();
        var requests = page.GetByRole(AriaRole.Group).Filter(new() { HasText = "Requests per day as a table" });
        await Assertions.Expect(requests.Locator("tbody tr")).ToHaveCountAsync(11);
        await Assertions.Expect(requests.GetByRole(AriaRole.Row, new() { Name = Day(40) })).ToContainTextAsync("1");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Models" }).Locator("tbody tr")).ToHaveTextAsync(
            [new Regex("gpt-4o\\s*1\\s*3,000\\s*\\$1\\.00\\s*100%")]);
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Summary" })).ToContainTextAsync(new Regex(@"Success rate\s*100%\s*1 of 1 settled"));

        await page.GetByLabel("From", new() { Exact = true }).FillAsync(Day(5));
        await page.GetByLabel("To", new() { Exact = true }).FillAsync(Day(10));
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.Locator(".field-error")).ToContainTextAsync("To must not be before From");
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task download_csv_holds_the_consumers_requests()
    {
        var org = await site.OrganizationAsync();
        await PostAsync(site, org);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/end-users/tenant_acme");

        var download = await visit.Page.RunAndWaitForDownloadAsync(() =>
            visit.Page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());

        var lines = await LinesAsync(download);
        Assert.Equal("request_id,user,model,key_id,input_tokens,output_tokens,cost_usd,status,occurred_at", lines[0]);
        Assert.Equal(["acme-2", "acme-1", "acme-3", "acme-4"], lines[1..].Select(l => l.Split(',')[0]));
        Assert.All(lines[1..], l => Assert.Equal("tenant_acme", l.Split(',')[1]));
        Assert.EndsWith(".csv", download.SuggestedFilename);
    }

    [Fact]
    public async Task tags_and_limits_show_read_only_and_a_tag_change_appears_in_the_audit_entries()
    {
        var org = await site.OrganizationAsync();
        await PostAsync(site, org);
        using var owner = site.Client(org.OwnerToken);
        Assert.True((await Scenarios.AddTagAsync(owner, org.Id, "tenant_acme", "plan:pro")).IsSuccessStatusCode);
        Assert.True((await Scenarios.PutOverrideAsync(owner, org.Id, "tenant_acme", new { rpm_limit = 60, max_budget = 25m })).IsSuccessStatusCode);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/end-users/tenant_acme");

        var audit = visit.Page.GetByRole(AriaRole.Table, new() { Name = "Audit entries" });
        await ReloadUntilAsync(visit, audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "Override changed" }));

        var limits = visit.Page.GetByRole(AriaRole.Region, new() { Name = "Tags and limits" });
        await Assertions.Expect(limits.GetByRole(AriaRole.List, new() { Name = "Tags" })).ToHaveTextAsync("plan:pro");
        await Assertions.Expect(limits).ToContainTextAsync(new Regex(@"RPM limit\s*60"));
        await Assertions.Expect(limits).ToContainTextAsync(new Regex(@"Max budget\s*\$25\.00"));
        await Assertions.Expect(limits.GetByRole(AriaRole.Textbox)).ToHaveCountAsync(0);
        await Assertions.Expect(limits.GetByRole(AriaRole.Link, new() { Name = "Edit on the Consumers page" }))
            .ToHaveAttributeAsync("href", $"/{org.Name}/end-users?search=tenant_acme");
        await Assertions.Expect(audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "Tag added" })).ToContainTextAsync("alice");
        await Assertions.Expect(audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "Tag added" })).ToContainTextAsync("plan:pro");
        await Assertions.Expect(audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "Override changed" })).ToContainTextAsync(new Regex(@"RPM limit\s*set\s*60"));
        await visit.AssertAccessibleAsync();

        await using var phone = await site.SignedInAsync(org.OwnerToken, width: 390);
        await phone.GoAsync($"/{org.Name}/end-users/tenant_acme");
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync("consumer-detail-390");
    }

    [Fact]
    public async Task an_unknown_consumer_and_one_outside_a_members_scope_answer_404()
    {
        var org = await site.OrganizationAsync();
        var bob = await MemberWithKeyAsync(site, org, "bob", "member", "key_bob");
        await PostAsync(site, org, Scenarios.UsageRecord("bob-1", "tenant_bob", key: "key_bob"), Scenarios.UsageRecord("acme-1", "tenant_acme"));
        await using var owner = await site.SignedInAsync(org.OwnerToken);
        Assert.Equal(404, await owner.GoAsync($"/{org.Name}/end-users/nobody"));
        await Assertions.Expect(owner.Page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();

        await using var member = await site.SignedInAsync(bob);

        Assert.Equal(200, await member.GoAsync($"/{org.Name}/end-users/tenant_bob"));
        await Assertions.Expect(member.Page.GetByRole(AriaRole.Heading, new() { Name = "Audit entries" })).ToHaveCountAsync(0);
        await Assertions.Expect(member.Page.GetByRole(AriaRole.Table, new() { Name = "Recent requests of tenant_bob, newest first" }).Locator("tbody tr")).ToHaveCountAsync(1);
        await member.AssertAccessibleAsync();
        Assert.Equal(404, await member.GoAsync($"/{org.Name}/end-users/tenant_acme"));
    }
}
