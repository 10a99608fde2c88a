using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Dashboard;

/// <summary>The Consumers page as people use it: find, sort and page; tag, limit, pre-register and import; scopes and empty states.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ConsumersPageTests(DashboardSite site)
{
    private static string PageOf(DashboardSite.Organization org) => $"/{org.Name}/end-users";

    /// <summary>Usage for each (user, requests, cost), through the given key.</summary>
    private async Task UsageAsync(DashboardSite.Organization org, string key, params (string User, int Requests, decimal Cost)[] usage)
    {
        using var ingest = site.Client(org.IngestToken);
        var records = usage.SelectMany(u => Enumerable.Range(0, u.Requests)
            .Select(i => UsageRecord($"{u.User}-{key}-{i}-{Guid.NewGuid():N}", user: u.User, key: key, cost: u.Cost / u.Requests))).ToArray();
        await (await PostUsageAsync(ingest, records)).JsonAsync(HttpStatusCode.Accepted);
    }

    private async Task<string> MemberAsync(DashboardSite.Organization org, string userId, string role)
    {
        using var owner = site.Client(org.OwnerToken);
        var created = await owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = userId, role });
        return (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("token").GetString()!;
    }

    private async Task KeyAsync(DashboardSite.Organization org, string keyId, string owner)
    {
        using var client = site.Client(org.OwnerToken);
        var response = await client.PostAsJsonAsync("/api/keys", new { organization_id = org.Id, key_id = keyId, team_id = "production", owner_user_id = owner });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> OverrideAsync(DashboardSite.Organization org, string endUserId)
    {
        using var owner = site.Client(org.OwnerToken);
        var body = await (await owner.GetAsync($"/api/end-users/overrides?organization_id={org.Id}&end_user_id={endUserId}")).JsonAsync(HttpStatusCode.OK);
        return Assert.Single(body.GetProperty("overrides").EnumerateArray());
    }

    private static ILocator Rows(IPage page) => page.Locator("table.data tbody tr");

    private static ILocator Row(IPage page, string endUserId) =>
        Rows(page).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = endUserId, Exact = true }) });

    private static Task<IReadOnlyList<string>> IdsAsync(IPage page) => page.Locator("table.data tbody th[scope=row] > a").AllTextContentsAsync();

    [Fact]
    public async Task the_search_box_finds_consumers_by_a_case_insensitive_part_of_their_id()
    {
        var org = await site.OrganizationAsync();
        await UsageAsync(org, "key_1", ("tenant_ACME:user_1", 1, 0.01m), ("tenant_acme:user_2", 1, 0.02m), ("globex", 1, 0.03m));
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
        await UsageAsync(org, "key_1", ("few", 1, 0.50m), ("many", 5, 0.10m), ("some", 3, 0.20m));
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
        await UsageAsync(org, "key_1", [.. Enumerable.Range(1, 30).Select(i => ($"user_{i:00}", 1, i / 100m))]);
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
    public async Task enter_in_add_tag_adds_a_chip_its_button_removes_it_and_a_bad_tag_is_refused_beside_the_field()
    {
        var org = await site.OrganizationAsync();
        await UsageAsync(org, "key_1", ("tenant_acme", 1, 0.01m), ("globex", 1, 0.02m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));
        var row = Row(visit.Page, "tenant_acme");

        await row.GetByLabel("Add tag").FillAsync("plan:pro");
        await row.GetByLabel("Add tag").PressAsync("Enter");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Remove tag plan:pro" })).ToBeVisibleAsync();
        await Assertions.Expect(Row(visit.Page, "globex").Locator(".chip")).ToHaveCountAsync(0);

        await row.GetByLabel("Add tag").FillAsync(new string('x', 61));
        await row.GetByLabel("Add tag").PressAsync("Enter");
        await Assertions.Expect(row.GetByLabel("Add tag")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(row.Locator(".field-error")).ToContainTextAsync("60");
        await visit.AssertAccessibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Remove tag plan:pro" }).ClickAsync();
        await Assertions.Expect(row.Locator(".chip")).ToHaveCountAsync(0);
        using var owner = site.Client(org.OwnerToken);
        var tags = await (await owner.GetAsync($"/api/end-users/tags?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(tags.GetProperty("tags").EnumerateArray());
    }

    [Fact]
    public async Task the_limits_dialog_sets_caps_a_blank_field_removes_one_and_a_bad_value_is_shown_beside_its_field()
    {
        var org = await site.OrganizationAsync();
        await UsageAsync(org, "key_1", ("tenant_acme", 1, 0.01m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));
        var row = Row(visit.Page, "tenant_acme");
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Last).ToContainTextAsync("No limits");

        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Limits for tenant_acme" }).ClickAsync();
        var dialog = visit.Page.GetByRole(AriaRole.Dialog, new() { Name = "Limits for tenant_acme" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("RPM limit").FillAsync("60");
        await dialog.GetByLabel("TPM limit").FillAsync("10000");
        await dialog.GetByLabel("Max budget").FillAsync("100");
        await dialog.GetByLabel("Period budget", new() { Exact = true }).FillAsync("20");
        await dialog.GetByLabel("Budget period").SelectOptionAsync("monthly");
        await dialog.GetByLabel("Notes").FillAsync("pilot tenant");
        await visit.AssertAccessibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(row).ToContainTextAsync("60 requests/min");
        await Assertions.Expect(row).ToContainTextAsync("$20.00 a month");
        var saved = await OverrideAsync(org, "tenant_acme");
        Assert.Equal(60, saved.GetProperty("rpm_limit").GetInt64());
        Assert.Equal(10000, saved.GetProperty("tpm_limit").GetInt64());
        Assert.Equal(100m, saved.GetProperty("max_budget").GetDecimal());
        Assert.Equal("monthly", saved.GetProperty("budget_duration").GetString());
        Assert.Equal("pilot tenant", saved.GetProperty("notes").GetString());

        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Limits for tenant_acme" }).ClickAsync();
        await Assertions.Expect(dialog.GetByLabel("RPM limit")).ToHaveValueAsync("60");
        await dialog.GetByLabel("RPM limit").FillAsync("0");
        await dialog.GetByLabel("Max budget").FillAsync("lots");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeVisibleAsync(); // opened again with the errors
        await Assertions.Expect(dialog.GetByLabel("RPM limit")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(dialog.Locator("#limits-0-rpm-error")).ToContainTextAsync("rpm_limit");
        await Assertions.Expect(dialog.Locator("#limits-0-budget-error")).ToContainTextAsync("must be a number");
        await visit.AssertAccessibleAsync();

        await dialog.GetByLabel("RPM limit").FillAsync("");
        await dialog.GetByLabel("Max budget").FillAsync("100");
        await dialog.GetByLabel("Period budget", new() { Exact = true }).FillAsync("");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(row).Not.ToContainTextAsync("requests/min");
        var cleared = await OverrideAsync(org, "tenant_acme");
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("rpm_limit").ValueKind);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("period_budget").ValueKind);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("budget_duration").ValueKind);
        Assert.Equal(10000, cleared.GetProperty("tpm_limit").GetInt64());
    }

    [Fact]
    public async Task pre_register_a_consumer_lists_it_at_once_with_its_budget()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));

        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Pre-register a consumer" }).ClickAsync();
        var dialog = visit.Page.GetByRole(AriaRole.Dialog, new() { Name = "Pre-register a consumer" });
        await dialog.GetByLabel("User ID").FillAsync("tenant\u200Bacme");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Pre-register" }).ClickAsync();
        await Assertions.Expect(dialog.Locator(".field-error")).ToContainTextAsync("end_user_id");
        await visit.AssertAccessibleAsync();

        await dialog.GetByLabel("User ID").FillAsync("tenant_acme");
        await dialog.GetByLabel("Max budget").FillAsync("50");
        await dialog.GetByLabel("RPM limit").FillAsync("30");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Pre-register" }).ClickAsync();

        var row = Row(visit.Page, "tenant_acme");
        await Assertions.Expect(row).ToContainTextAsync("$50.00 budget");
        await Assertions.Expect(row).ToContainTextAsync("30 requests/min");
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(3)).ToContainTextAsync("Never");
        Assert.Equal(30, (await OverrideAsync(org, "tenant_acme")).GetProperty("rpm_limit").GetInt64());
    }

    [Fact]
    public async Task a_csv_with_a_bad_line_is_refused_with_its_line_and_then_only_the_good_rows_are_imported()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));
        var csv = "end_user_id,max_budget,rpm_limit,tpm_limit,notes\ntenant_a,10,60,,first\ntenant_b,lots,,,\ntenant_c,,,5000,\n";

        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Bulk import" }).ClickAsync();
        var dialog = visit.Page.GetByRole(AriaRole.Dialog, new() { Name = "Bulk import" });
        await dialog.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "consumers.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();

        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Line 3: max_budget");
        await Assertions.Expect(visit.Page.GetByText("No keys yet")).ToBeVisibleAsync(); // nothing imported
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("consumers-import-refused");

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Import the 2 good rows" }).ClickAsync();
        await Assertions.Expect(Rows(visit.Page)).ToHaveCountAsync(2);
        Assert.Equal(["tenant_a", "tenant_c"], (await IdsAsync(visit.Page)).Order(StringComparer.Ordinal));
        await Assertions.Expect(Row(visit.Page, "tenant_a")).ToContainTextAsync("60 requests/min");
        Assert.Equal("first", (await OverrideAsync(org, "tenant_a")).GetProperty("notes").GetString());
    }

    [Fact]
    public async Task a_member_sees_only_the_consumers_of_their_key_and_an_owner_chooses_mine_or_org_wide()
    {
        var org = await site.OrganizationAsync();
        var bob = await MemberAsync(org, "bob", "member");
        await KeyAsync(org, "key_bob", "bob");
        await KeyAsync(org, "key_alice", "alice");
        await UsageAsync(org, "key_bob", ("bobs_user", 1, 0.01m));
        await UsageAsync(org, "key_alice", ("alices_user", 1, 0.02m));

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
    public async Task a_viewer_sees_tags_and_limits_but_no_control_to_change_them()
    {
        var org = await site.OrganizationAsync();
        var viewer = await MemberAsync(org, "vera", "viewer");
        await KeyAsync(org, "key_vera", "vera");
        await UsageAsync(org, "key_vera", ("tenant_acme", 1, 0.01m));
        using (var owner = site.Client(org.OwnerToken))
        {
            await (await AddTagAsync(owner, org.Id, "tenant_acme", "plan:pro")).JsonAsync(HttpStatusCode.Created);
            await (await PutOverrideAsync(owner, org.Id, "tenant_acme", new { rpm_limit = 60 })).JsonAsync(HttpStatusCode.OK);
        }
        await using var visit = await site.SignedInAsync(viewer);
        await visit.GoAsync(PageOf(org));

        var row = Row(visit.Page, "tenant_acme");
        await Assertions.Expect(row).ToContainTextAsync("plan:pro");
        await Assertions.Expect(row).ToContainTextAsync("60 requests/min");
        await Assertions.Expect(visit.Page.GetByLabel("Add tag")).ToHaveCountAsync(0);
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Button, new() { Name = "Remove tag plan:pro" })).ToHaveCountAsync(0);
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Button, new() { Name = "Limits for tenant_acme" })).ToHaveCountAsync(0);
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Button, new() { Name = "Pre-register a consumer" })).ToHaveCountAsync(0);
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Button, new() { Name = "Bulk import" })).ToHaveCountAsync(0);
        Assert.Equal(0, await visit.Page.Locator("main form[method=post]").CountAsync());
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task three_consumers_this_period_show_the_top_consumer_card_and_a_spend_chart_noting_it_is_not_lifetime()
    {
        var org = await site.OrganizationAsync();
        await UsageAsync(org, "key_1", ("big_spender", 2, 3m), ("middle", 1, 2m), ("small", 1, 1m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        var card = visit.Page.Locator(".card").Filter(new() { HasText = "Top consumer this period" });
        for (var i = 0; i < 100 && await card.CountAsync() == 0; i++) // the period figures come from an async projection
        {
            await visit.GoAsync(PageOf(org));
            if (await card.CountAsync() == 0) await visit.Page.WaitForTimeoutAsync(200);
        }
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
        await UsageAsync(org, "key_1", ("first", 1, 2m), ("second", 1, 1m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        var card = visit.Page.Locator(".card").Filter(new() { HasText = "Top consumer this period" });
        for (var i = 0; i < 100 && await card.CountAsync() == 0; i++)
        {
            await visit.GoAsync(PageOf(org));
            if (await card.CountAsync() == 0) await visit.Page.WaitForTimeoutAsync(200);
        }
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
        await KeyAsync(org, "key_prod", "alice");
        await UsageAsync(org, "key_prod", (null!, 1, 0.01m)); // no user: billed, attributed to nobody
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
        var bob = await MemberAsync(org, "bob", "member");
        await UsageAsync(org, "key_1", ("tenant_acme", 1, 0.01m));
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
        await UsageAsync(org, "key_1", ("c0", 1, 1m), ("c1", 1, 1m), ("c2", 1, 1m), ("c3", 1, 1m), ("c4", 1, 1m), ("big", 1, 30m));
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        var badge = Row(visit.Page, "big").GetByRole(AriaRole.Img, new() { Name = "Anomaly" });
        for (var i = 0; i < 100 && await badge.CountAsync() == 0; i++)
        {
            await visit.GoAsync(PageOf(org));
            if (await badge.CountAsync() == 0) await visit.Page.WaitForTimeoutAsync(200);
        }

        await Assertions.Expect(badge).ToHaveAttributeAsync("title", "spend this month is 5.1× the mean of active consumers (over 5×)");
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Img, new() { Name = "Anomaly" })).ToHaveCountAsync(1);
        await visit.AssertAccessibleAsync();
    }
}
