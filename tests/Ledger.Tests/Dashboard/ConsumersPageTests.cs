using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;

using static Ledger.Tests.Dashboard.ConsumersPageGivens;

namespace Ledger.Tests.Dashboard;

/// <summary>The Consumers page as people read it: find, sort and page; scopes; the period card and chart; anomaly badges; empty states.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ConsumersPageTests(DashboardSite site)
{
    private readonly ConsumersPageGivens given = new(site);

    [Fact]
    public async Task the_search_box_finds_consumers_by_a_case_insensitive_part_of_their_id()
    {
        var org = await site.OrganizationAsync();
        await given.UsageAsync(org, "key_1", ("tenant_ACME:user_1", 1, 0.01m), ("tenant_acme:user_2", 1, 0.02m), ("globex", 1, 0.03m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));

        await visit.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("Acme");
        await visit.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).PressAsync("Enter");

        await Assertions.Expect(Rows(visit.Page)).ToHaveCountAsync(2);
        Assert.Equal(["tenant_acme:user_2", "tenant_ACME:user_1"], await IdsAsync(visit.Page));
        Assert.Contains("search=Acme", visit.Page.Url, StringComparison.Ordinal);
        await visit.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("nobody");
        await visit.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).PressAsync("Enter");
        await Assertions.Expect(visit.Page.GetByText("No consumer's ID contains “nobody”.")).ToBeVisibleAsync();
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task a_header_sorts_by_its_column_and_a_second_click_reverses_it()
    {
        var org = await site.OrganizationAsync();
        await given.UsageAsync(org, "key_1", ("few", 1, 0.50m), ("many", 5, 0.10m), ("some", 3, 0.20m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));
        Assert.Equal(["few", "some", "many"], await IdsAsync(visit.Page)); // by total spend, largest first

        var requests = visit.Page.GetByRole(AriaRole.Columnheader, new() { Name = "Requests", Exact = true });
        await requests.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(requests).ToHaveAttributeAsync("aria-sort", "descending");
        Assert.Equal(["many", "some", "few"], await IdsAsync(visit.Page));

        await requests.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(requests).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal(["few", "some", "many"], await IdsAsync(visit.Page));
        Assert.Contains("sort=requests&order=asc", visit.Page.Url, StringComparison.Ordinal);

        var userId = visit.Page.GetByRole(AriaRole.Columnheader, new() { Name = "User ID", Exact = true });
        await userId.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(userId).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal(["few", "many", "some"], await IdsAsync(visit.Page));
        await Assertions.Expect(requests).Not.ToHaveAttributeAsync("aria-sort", new System.Text.RegularExpressions.Regex("."));
    }

    [Fact]
    public async Task thirty_consumers_are_two_pages_in_the_address_and_back_returns_to_the_first()
    {
        var org = await site.OrganizationAsync();
        await given.UsageAsync(org, "key_1", [.. Enumerable.Range(1, 30).Select(i => ($"user_{i:00}", 1, i / 100m))]);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));

        await Assertions.Expect(Rows(visit.Page)).ToHaveCountAsync(25);
        await Assertions.Expect(visit.Page.GetByText("1–25 of 30")).ToBeVisibleAsync();
        await visit.Page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();

        await Assertions.Expect(Rows(visit.Page)).ToHaveCountAsync(5);
        Assert.Contains("page=2", visit.Page.Url, StringComparison.Ordinal);
        Assert.Equal(["user_05", "user_04", "user_03", "user_02", "user_01"], await IdsAsync(visit.Page));
        await visit.Page.GoBackAsync();
        await Assertions.Expect(Rows(visit.Page)).ToHaveCountAsync(25);
        Assert.Equal("user_30", (await IdsAsync(visit.Page))[0]);
    }

    [Fact]
    public async Task a_member_sees_only_the_consumers_of_their_key_and_an_owner_chooses_mine_or_org_wide()
    {
        var org = await site.OrganizationAsync();
        var bob = await given.MemberAsync(org, "bob", "member");
        await given.KeyAsync(org, "key_bob", "bob");
        await given.KeyAsync(org, "key_alice", "alice");
        await given.UsageAsync(org, "key_bob", ("bobs_user", 1, 0.01m));
        await given.UsageAsync(org, "key_alice", ("alices_user", 1, 0.02m));

        await using (var member = await site.SignedInAsync(bob))
        {
            await member.GoAsync(PageOf(org));
            Assert.Equal(["bobs_user"], await IdsAsync(member.Page));
            await Assertions.Expect(member.Page.GetByRole(AriaRole.Navigation, new() { Name = "Scope" })).ToHaveCountAsync(0);
            await Assertions.Expect(member.Page.GetByLabel("Add tag")).ToHaveCountAsync(1); // members tag
            await Assertions.Expect(member.Page.GetByRole(AriaRole.Button, new() { Name = "Limits for bobs_user" })).ToHaveCountAsync(0);
            await Assertions.Expect(member.Page.GetByRole(AriaRole.Button, new() { Name = "Pre-register a consumer" })).ToHaveCountAsync(0);
            await member.AssertAccessibleAsync();
        }

        await using var owner = await site.SignedInAsync(org.OwnerToken);
        await owner.GoAsync(PageOf(org));
        Assert.Equal(["alices_user", "bobs_user"], await IdsAsync(owner.Page));
        await owner.Page.GetByRole(AriaRole.Navigation, new() { Name = "Scope" }).GetByRole(AriaRole.Link, new() { Name = "Mine" }).ClickAsync();
        await Assertions.Expect(Rows(owner.Page)).ToHaveCountAsync(1);
        Assert.Equal(["alices_user"], await IdsAsync(owner.Page));
        await Assertions.Expect(owner.Page.GetByRole(AriaRole.Link, new() { Name = "Mine" })).ToHaveAttributeAsync("aria-current", "page");
        await owner.Page.GetByRole(AriaRole.Link, new() { Name = "Org-wide" }).ClickAsync();
        await Assertions.Expect(Rows(owner.Page)).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task three_consumers_this_period_show_the_top_consumer_card_and_a_spend_chart_noting_it_is_not_lifetime()
    {
        var org = await site.OrganizationAsync();
        await given.UsageAsync(org, "key_1", ("big_spender", 2, 3m), ("middle", 1, 2m), ("small", 1, 1m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        var card = visit.Page.Locator(".card").Filter(new() { HasText = "Top consumer this period" });
        await ReloadUntilShownAsync(visit, PageOf(org), card);
        await Assertions.Expect(card).ToContainTextAsync("big_spender");
        await Assertions.Expect(card).ToContainTextAsync("$3.00");
        var chart = visit.Page.Locator("figure.rankchart");
        await Assertions.Expect(chart.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        Assert.Equal(["big_spender", "middle", "small"], await chart.Locator(".rankchart-label").AllTextContentsAsync());
        await Assertions.Expect(chart).ToContainTextAsync("the table shows lifetime figures");
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("consumers-1280");

        await using var phone = await site.SignedInAsync(org.OwnerToken, width: 390);
        await phone.GoAsync(PageOf(org));
        await phone.ScreenshotAsync("consumers-390");
        await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Limits for big_spender" }).ClickAsync();
        await phone.ScreenshotAsync("consumers-limits-390");
        var box = await phone.Page.GetByRole(AriaRole.Dialog).BoundingBoxAsync();
        Assert.True(box is { X: >= 0 } && box.X + box.Width <= 390, $"the dialog fits the phone: {box?.X} + {box?.Width}");
        var overflowing = await phone.Page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('main *')].filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > 391).map(e => e.outerHTML.slice(0, 80))");
        Assert.True(overflowing.Length == 0, "only the table scrolls sideways: " + string.Join("\n", overflowing));
        Assert.True(await phone.Page.Locator(".table-wrap").EvaluateAsync<bool>("e => e.scrollWidth > e.clientWidth"), "the table scrolls sideways");
        await phone.AssertAccessibleAsync();
    }

    [Fact]
    public async Task two_consumers_show_the_card_but_no_chart()
    {
        var org = await site.OrganizationAsync();
        await given.UsageAsync(org, "key_1", ("first", 1, 2m), ("second", 1, 1m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        var card = visit.Page.Locator(".card").Filter(new() { HasText = "Top consumer this period" });
        await ReloadUntilShownAsync(visit, PageOf(org), card);
        await Assertions.Expect(card).ToContainTextAsync("first");
        await Assertions.Expect(visit.Page.Locator("figure.rankchart")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task an_organization_without_keys_is_pointed_to_the_keys_page()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));

        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = "No keys yet" })).ToBeVisibleAsync();
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Link, new() { Name = "Register a key" })).ToHaveAttributeAsync("href", $"/{org.Name}/keys");
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task keys_without_user_traffic_show_the_request_to_send()
    {
        var org = await site.OrganizationAsync();
        await given.KeyAsync(org, "key_prod", "alice");
        await given.UsageAsync(org, "key_prod", (null!, 1, 0.01m)); // no user: billed, attributed to nobody
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));

        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = "No consumer traffic yet" })).ToBeVisibleAsync();
        var curl = visit.Page.Locator("main pre");
        await Assertions.Expect(curl).ToContainTextAsync("/v1/usage");
        await Assertions.Expect(curl).ToContainTextAsync("\"user\": \"tenant_acme\"");
        await Assertions.Expect(curl).ToContainTextAsync("\"key_id\": \"key_prod\"");
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task a_member_without_keys_is_told_why_the_page_is_empty()
    {
        var org = await site.OrganizationAsync();
        var bob = await given.MemberAsync(org, "bob", "member");
        await given.UsageAsync(org, "key_1", ("tenant_acme", 1, 0.01m));
        await using var visit = await site.SignedInAsync(bob);
        await visit.GoAsync(PageOf(org));

        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = "You don't own a key yet" })).ToBeVisibleAsync();
        await Assertions.Expect(visit.Page.GetByText("see only the consumers whose traffic came through keys they own")).ToBeVisibleAsync();
        await Assertions.Expect(Rows(visit.Page)).ToHaveCountAsync(0);
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task an_outlier_has_an_anomaly_badge_that_says_why()
    {
        var org = await site.OrganizationAsync();
        await given.UsageAsync(org, "key_1", ("c0", 1, 1m), ("c1", 1, 1m), ("c2", 1, 1m), ("c3", 1, 1m), ("c4", 1, 1m), ("big", 1, 30m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        var badge = Row(visit.Page, "big").GetByRole(AriaRole.Img, new() { Name = "Anomaly" });
        await ReloadUntilShownAsync(visit, PageOf(org), badge);

        await Assertions.Expect(badge).ToHaveAttributeAsync("title", "spend this month is 5.1× the mean of active consumers (over 5×)");
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Img, new() { Name = "Anomaly" })).ToHaveCountAsync(1);
        await visit.AssertAccessibleAsync();
    }
}
