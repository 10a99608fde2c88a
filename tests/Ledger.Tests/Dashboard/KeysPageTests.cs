using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ledger.Tests.Dashboard;

/// <summary>The keys page: keys with owner, team and caps; register a key, set key and team caps; read-only for viewers.</summary>
[Collection(DashboardCollection.Name)]
public sealed class KeysPageTests(DashboardSite site)
{
    [Fact]
    public async Task an_owner_registers_a_key_and_sets_then_clears_its_caps()
    {
        var org = await site.OrganizationAsync();
        await MembersPageTests.AddMemberAsync(site, org, "bob", "member");
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/keys");
        var page = visit.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Keys", Level = 1 })).ToBeVisibleAsync();
        await visit.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Register a key" }).ClickAsync();
        var register = page.GetByRole(AriaRole.Dialog, new() { Name = "Register a key" });
        await register.GetByLabel("Key ID").FillAsync("key_prod_1");
        await register.GetByLabel("Owner").SelectOptionAsync("bob");
        await register.GetByLabel("Team").FillAsync("production");
        await register.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "key_prod_1" });
        await Assertions.Expect(row).ToContainTextAsync("bob");
        await Assertions.Expect(row).ToContainTextAsync("production");

        await page.GetByRole(AriaRole.Button, new() { Name = "Limits for key key_prod_1" }).ClickAsync();
        var limits = page.GetByRole(AriaRole.Dialog, new() { Name = "Limits for key key_prod_1" });
        await limits.GetByLabel("RPM limit").FillAsync("sixty");
        await limits.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(limits).ToBeVisibleAsync(); // reopened with the error beside its field
        await Assertions.Expect(limits.Locator("#key-0-rpm_limit-error")).ToContainTextAsync("whole number");
        await visit.AssertAccessibleAsync();

        await limits.GetByLabel("RPM limit").FillAsync("60");
        await limits.GetByLabel("Max budget").FillAsync("25");
        await limits.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("60");
        await Assertions.Expect(row).ToContainTextAsync("$25.00");
        var key = await KeyAsync(org, "key_prod_1");
        Assert.Equal(60, key.GetProperty("limits").GetProperty("rpm_limit").GetInt64());
        Assert.Equal(25m, key.GetProperty("limits").GetProperty("max_budget").GetDecimal());
        await visit.ScreenshotAsync("keys-1280");

        await page.GetByRole(AriaRole.Button, new() { Name = "Limits for key key_prod_1" }).ClickAsync();
        await Assertions.Expect(limits.GetByLabel("RPM limit")).ToHaveValueAsync("60");
        await limits.GetByLabel("RPM limit").FillAsync("");
        await limits.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(row.Locator("td[data-label='RPM limit']")).ToHaveTextAsync("No cap");
        Assert.Equal(JsonValueKind.Null, (await KeyAsync(org, "key_prod_1")).GetProperty("limits").GetProperty("rpm_limit").ValueKind);
    }

    [Fact]
    public async Task an_owner_sets_a_teams_caps()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/keys");
        var form = visit.Page.GetByRole(AriaRole.Form, new() { Name = "Team limits" });

        await form.GetByLabel("Team ID").FillAsync("research");
        await form.GetByLabel("TPM limit").FillAsync("100000");
        await form.GetByLabel("Max budget").FillAsync("-1");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save team limits" }).ClickAsync();
        await Assertions.Expect(form.Locator("#team-max_budget-error")).ToBeVisibleAsync();
        await Assertions.Expect(form.GetByLabel("TPM limit")).ToHaveValueAsync("100000");

        await form.GetByLabel("Max budget").FillAsync("500");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save team limits" }).ClickAsync();

        var row = visit.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "research" });
        await Assertions.Expect(row).ToContainTextAsync("100,000");
        await Assertions.Expect(row).ToContainTextAsync("$500.00");
        using var owner = site.Client(org.OwnerToken);
        var list = await (await owner.GetAsync($"/api/keys?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        var team = Assert.Single(list.GetProperty("teams").EnumerateArray());
        Assert.Equal(100000, team.GetProperty("limits").GetProperty("tpm_limit").GetInt64());
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task a_viewer_sees_its_own_keys_without_edit_controls()
    {
        var org = await site.OrganizationAsync();
        var viewer = await MembersPageTests.AddMemberAsync(site, org, "vic", "viewer");
        using var owner = site.Client(org.OwnerToken);
        foreach (var (keyId, ownerId) in new[] { ("key_vic", "vic"), ("key_alice", "alice") })
            await owner.PostAsJsonAsync("/api/keys", new { organization_id = org.Id, key_id = keyId, team_id = "production", owner_user_id = ownerId }).SucceededAsync();
        await owner.PutAsJsonAsync("/api/keys/key_vic/limits", new { organization_id = org.Id, rpm_limit = 30, tpm_limit = (long?)null, max_budget = (decimal?)null }).SucceededAsync();
        await using var visit = await site.SignedInAsync(viewer, width: 390);

        await visit.GoAsync($"/{org.Name}/keys");

        var page = visit.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "key_vic" })).ToContainTextAsync("30");
        await Assertions.Expect(page.GetByText("key_alice")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Register a key" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Limits for key key_vic" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save team limits" })).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("keys-viewer-390");

        await using var phone = await site.SignedInAsync(org.OwnerToken, width: 390);
        await phone.GoAsync($"/{org.Name}/keys");
        Assert.True(await phone.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");
        await phone.ScreenshotAsync("keys-owner-390");
    }

    private async Task<JsonElement> KeyAsync(DashboardSite.Organization org, string keyId)
    {
        using var owner = site.Client(org.OwnerToken);
        var list = await (await owner.GetAsync($"/api/keys?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        return list.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("key_id").GetString() == keyId);
    }
}
