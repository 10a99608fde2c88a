using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using static Ledger.Tests.Dashboard.UsageSeed;

namespace Ledger.Tests.Dashboard;

/// <summary>The per-request log: filtered by consumers, model and dates in the address, and downloaded as CSV with the same filters.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ActivityPageTests(DashboardSite site)
{
    [Fact]
    public async Task the_log_lists_every_request_newest_first()
    {
        var org = await site.OrganizationAsync();
        await PostAsync(site, org);
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        Assert.Equal(200, await visit.GoAsync($"/{org.Name}/activity"));

        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = "Activity", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(Rows(visit)).ToHaveCountAsync(Records.Length);
        await Assertions.Expect(Rows(visit).First).ToContainTextAsync("acme-2");
        await Assertions.Expect(Rows(visit).Last).ToContainTextAsync("gamma-2");
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("activity-1280");

        await using var phone = await site.SignedInAsync(org.OwnerToken, width: 390);
        await phone.GoAsync($"/{org.Name}/activity?user=tenant_acme");
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync("activity-390");
    }

    [Fact]
    public async Task two_consumers_chosen_in_the_multi_select_show_only_their_requests()
    {
        var org = await site.OrganizationAsync();
        await PostAsync(site, org);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/activity");

        await visit.Page.GetByLabel("Consumers").SelectOptionAsync(["tenant_acme", "tenant_beta"]);
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        await visit.Page.WaitForURLAsync("**/activity?user=tenant_acme&user=tenant_beta*", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(Rows(visit)).ToHaveCountAsync(5);
        await Assertions.Expect(Rows(visit).Filter(new() { HasText = "tenant_gamma" })).ToHaveCountAsync(0);
        await Assertions.Expect(visit.Page.GetByLabel("Consumers")).ToHaveValuesAsync(["tenant_acme", "tenant_beta"]);
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task a_model_and_a_date_range_narrow_the_log()
    {
        var org = await site.OrganizationAsync();
        await PostAsync(site, org);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/activity");

        await visit.Page.GetByLabel("Model").FillAsync("claude-sonnet-4");
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await visit.Page.WaitForURLAsync("**model=claude-sonnet-4*", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(Rows(visit)).ToHaveCountAsync(2);
        await Assertions.Expect(Rows(visit).Nth(0)).ToContainTextAsync("acme-2");
        await Assertions.Expect(Rows(visit).Nth(1)).ToContainTextAsync("gamma-1");

        await visit.Page.GetByLabel("Model").FillAsync("");
        await visit.Page.GetByLabel("From").FillAsync(Day(3));
        await visit.Page.GetByLabel("To").FillAsync(Day(1));
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await visit.Page.WaitForURLAsync($"**start_date={Day(3)}&end_date={Day(1)}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(Rows(visit)).ToHaveCountAsync(4);
        await Assertions.Expect(Rows(visit).Filter(new() { HasText = "acme-4" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task download_csv_carries_the_filters()
    {
        var org = await site.OrganizationAsync();
        await PostAsync(site, org);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/activity?user=tenant_acme&user=tenant_beta&model=gpt-4o");

        var download = await visit.Page.RunAndWaitForDownloadAsync(() =>
            visit.Page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());

        var lines = await LinesAsync(download);
        Assert.Equal("request_id,user,model,key_id,input_tokens,output_tokens,cost_usd,status,occurred_at", lines[0]);
        Assert.Equal(["acme-1", "acme-3", "acme-4"], lines[1..].Select(l => l.Split(',')[0]));
        Assert.StartsWith("acme-3,tenant_acme,gpt-4o,key_prod_1,200,100,0.25,error,", lines[2]);
    }

    [Fact]
    public async Task a_member_sees_and_downloads_only_the_requests_through_their_keys()
    {
        var org = await site.OrganizationAsync();
        var bob = await MemberWithKeyAsync(site, org, "bob", "viewer", "key_bob");
        await PostAsync(site, org, Scenarios.UsageRecord("bob-1", "tenant_bob", key: "key_bob"), Scenarios.UsageRecord("acme-1", "tenant_acme"));
        await using var visit = await site.SignedInAsync(bob);
        await visit.GoAsync($"/{org.Name}/activity");

        await Assertions.Expect(Rows(visit)).ToHaveCountAsync(1);
        await Assertions.Expect(Rows(visit).First).ToContainTextAsync("bob-1");
        var download = await visit.Page.RunAndWaitForDownloadAsync(() =>
            visit.Page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        Assert.Equal(["bob-1"], (await LinesAsync(download))[1..].Select(l => l.Split(',')[0]));
        Assert.Equal(404, (await visit.Page.APIRequest.GetAsync($"/{org.Name}x/activity.csv")).Status);
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task fifty_requests_a_page_and_older_ones_on_the_next()
    {
        var org = await site.OrganizationAsync();
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        await PostAsync(site, org, [.. Enumerable.Range(1, 55).Select(i => Scenarios.UsageRecord($"r{i:00}", "tenant_acme", at: at.AddMinutes(i)))]);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/activity?user=tenant_acme");
        await Assertions.Expect(Rows(visit)).ToHaveCountAsync(50);
        await Assertions.Expect(visit.Page.GetByText("The newest 50 requests")).ToBeVisibleAsync();

        await visit.Page.GetByRole(AriaRole.Link, new() { Name = "Older requests" }).ClickAsync();

        await visit.Page.WaitForURLAsync("**/activity?user=tenant_acme&cursor=*", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(Rows(visit)).ToHaveCountAsync(5);
        await Assertions.Expect(Rows(visit).Last).ToContainTextAsync("r01");
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Link, new() { Name = "Newest requests" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task the_csv_download_needs_a_session()
    {
        var org = await site.OrganizationAsync();
        using var bearer = site.Client(org.OwnerToken);

        var response = await bearer.GetAsync($"/{org.Name}/activity.csv");

        Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
    }

    private static ILocator Rows(Visit visit) =>
        visit.Page.GetByRole(AriaRole.Table, new() { Name = "Requests, newest first" }).Locator("tbody tr");
}
