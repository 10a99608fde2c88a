using System.Net;
using System.Text;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using static Ledger.Tests.Dashboard.ConsumersPageGivens;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Dashboard;

/// <summary>Changing consumers on the Consumers page: tag chips, the limits dialog, pre-registering and importing; none of it for a viewer.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ConsumersPageEditingTests(DashboardSite site)
{
    private readonly ConsumersPageGivens given = new(site);

    [Fact]
    public async Task enter_in_add_tag_adds_a_chip_its_button_removes_it_and_a_bad_tag_is_refused_beside_the_field()
    {
        var org = await site.OrganizationAsync();
        await given.UsageAsync(org, "key_1", ("tenant_acme", 1, 0.01m), ("globex", 1, 0.02m));
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
        await given.UsageAsync(org, "key_1", ("tenant_acme", 1, 0.01m));
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
        var saved = await given.OverrideAsync(org, "tenant_acme");
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
        var cleared = await given.OverrideAsync(org, "tenant_acme");
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
        Assert.Equal(30, (await given.OverrideAsync(org, "tenant_acme")).GetProperty("rpm_limit").GetInt64());
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
        Assert.Equal("first", (await given.OverrideAsync(org, "tenant_a")).GetProperty("notes").GetString());
    }

    [Fact]
    public async Task a_viewer_sees_tags_and_limits_but_no_control_to_change_them()
    {
        var org = await site.OrganizationAsync();
        var viewer = await given.MemberAsync(org, "vera", "viewer");
        await given.KeyAsync(org, "key_vera", "vera");
        await given.UsageAsync(org, "key_vera", ("tenant_acme", 1, 0.01m));
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
    public async Task the_page_takes_a_csv_file_as_large_as_the_import_endpoint_does_not_only_the_servers_64_kb()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync(PageOf(org));
        var csv = new StringBuilder("end_user_id,max_budget,rpm_limit,tpm_limit,notes\n");
        for (var i = 0; i < 1500; i++) csv.Append($"imported_consumer_{i:0000},10,60,,a note long enough to pass 64 KB in all\n");
        Assert.True(csv.Length > 64 * 1024);

        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Bulk import" }).ClickAsync();
        var dialog = visit.Page.GetByRole(AriaRole.Dialog, new() { Name = "Bulk import" });
        await dialog.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "many.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();

        await Assertions.Expect(visit.Page.GetByText("1–25 of 1,500")).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }
}
