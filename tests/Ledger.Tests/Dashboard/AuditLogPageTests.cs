using System.Net;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ledger.Tests.Dashboard;

/// <summary>The audit log page: who changed what, with before and after as a diff, filtered and paged in the address.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AuditLogPageTests(DashboardSite site)
{
    [Fact]
    public async Task a_change_shows_its_actor_and_diff_and_the_filters_narrow_the_list()
    {
        var org = await site.OrganizationAsync();
        using var owner = site.Client(org.OwnerToken);
        await Scenarios.PreRegisterAsync(owner, org.Id, "tenant_a", rpm: 10).SucceededAsync();
        await Scenarios.PutOverrideAsync(owner, org.Id, "tenant_a", new { rpm_limit = 20, max_budget = 5m }).SucceededAsync();
        await Scenarios.PreRegisterAsync(owner, org.Id, "tenant_b").SucceededAsync();
        using var bob = site.Client(await MembersPageTests.AddMemberAsync(site, org, "bob", "admin"));
        await Scenarios.AddTagAsync(bob, org.Id, "tenant_b", "vip").SucceededAsync();
        await AuditEntriesAsync(owner, org, 5);
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        Assert.Equal(200, await visit.GoAsync($"/{org.Name}/settings/audit-log"));

        var page = visit.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
        var rows = page.Locator("table.audit-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(rows.First).ToContainTextAsync("bob"); // newest first
        await Assertions.Expect(rows.First).ToContainTextAsync("Tag added");
        var change = rows.Filter(new() { HasText = "Override changed" }).First; // the newer of the two: registering with caps set the first
        await Assertions.Expect(change).ToContainTextAsync("alice");
        await Assertions.Expect(change).ToContainTextAsync("tenant_a");
        var rpm = change.Locator(".diff li", new() { HasText = "RPM limit" });
        await Assertions.Expect(rpm.Locator("del")).ToHaveTextAsync("10");
        await Assertions.Expect(rpm.Locator("ins")).ToHaveTextAsync("20");
        await Assertions.Expect(change.Locator(".diff li", new() { HasText = "Max budget" }).Locator("ins")).ToHaveTextAsync("$5.00");
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("audit-log-1280");

        await page.GetByLabel("Consumer").FillAsync("tenant_b");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await page.WaitForURLAsync("**consumer=tenant_b**", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByLabel("Consumer")).ToHaveValueAsync("tenant_b");

        await page.GetByLabel("Consumer").FillAsync("");
        await page.GetByLabel("Actor").FillAsync("bob");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await page.WaitForURLAsync("**actor=bob**", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("vip");

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await visit.GoAsync($"/{org.Name}/settings/audit-log?from={today}&to={today}");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await visit.GoAsync($"/{org.Name}/settings/audit-log?to={yesterday}");
        await Assertions.Expect(page.GetByText("No entry matches these filters.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task fifty_entries_a_page_and_the_page_lives_in_the_address()
    {
        var org = await site.OrganizationAsync();
        using var owner = site.Client(org.OwnerToken);
        await Scenarios.PreRegisterAsync(owner, org.Id, "tenant_a").SucceededAsync();
        for (var i = 0; i < 51; i++) await Scenarios.AddTagAsync(owner, org.Id, "tenant_a", $"tag-{i:00}").SucceededAsync();
        await AuditEntriesAsync(owner, org, 52);
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        await visit.GoAsync($"/{org.Name}/settings/audit-log");
        var rows = visit.Page.Locator("table.audit-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await Assertions.Expect(visit.Page.GetByText("1–50 of 52")).ToBeVisibleAsync();
        await Assertions.Expect(rows.First).ToContainTextAsync("tag-50");

        await visit.Page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await visit.Page.WaitForURLAsync("**page=2", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Last).ToContainTextAsync("Consumer registered");
    }

    [Fact]
    public async Task members_and_viewers_get_404_and_no_link()
    {
        var org = await site.OrganizationAsync();
        foreach (var role in new[] { "member", "viewer" })
        {
            var token = await MembersPageTests.AddMemberAsync(site, org, role + "-user", role);
            await using var visit = await site.SignedInAsync(token);

            Assert.Equal(404, await visit.GoAsync($"/{org.Name}/settings/audit-log"));
            await Assertions.Expect(visit.Page.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task the_page_reads_at_phone_width()
    {
        var org = await site.OrganizationAsync();
        using var owner = site.Client(org.OwnerToken);
        await Scenarios.PreRegisterAsync(owner, org.Id, "tenant_with_a_long_identifier_0001", rpm: 10, maxBudget: 12.5m).SucceededAsync();
        await Scenarios.PutOverrideAsync(owner, org.Id, "tenant_with_a_long_identifier_0001", new { rpm_limit = 30, notes = "raised for launch" }).SucceededAsync();
        await AuditEntriesAsync(owner, org, 3);
        await using var visit = await site.SignedInAsync(org.OwnerToken, width: 390);

        await visit.GoAsync($"/{org.Name}/settings/audit-log");

        await Assertions.Expect(visit.Page.Locator("table.audit-table tbody tr")).ToHaveCountAsync(3);
        Assert.True(await visit.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("audit-log-390");
    }

    /// <summary>The audit trail is an async projection: waits until the JSON API lists this many entries.</summary>
    private static async Task AuditEntriesAsync(HttpClient owner, DashboardSite.Organization org, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var log = await (await owner.GetAsync($"/api/audit-log?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
            if (log.GetProperty("total").GetInt64() >= count) return;
            Assert.True(DateTime.UtcNow < deadline, $"the audit log has {log.GetProperty("total")} entries, not {count}");
            await Task.Delay(100);
        }
    }
}
