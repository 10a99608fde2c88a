using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ledger.Tests.Dashboard;

/// <summary>The members page: add a member with a role, change a role, issue and revoke tokens; a new token is shown once.</summary>
[Collection(DashboardCollection.Name)]
public sealed class MembersPageTests(DashboardSite site)
{
    [Fact]
    public async Task an_owner_adds_a_member_sees_the_token_once_and_the_member_signs_in_with_it()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/settings/members");
        var page = visit.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members", Level = 1 })).ToBeVisibleAsync();
        await visit.AssertAccessibleAsync();

        await page.GetByLabel("User ID").FillAsync("bob");
        await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();

        var secret = page.Locator(".notice .secret");
        await Assertions.Expect(secret).ToBeVisibleAsync();
        var token = (await secret.TextContentAsync())!.Trim();
        Assert.NotEmpty(token);
        Assert.DoesNotContain(token, page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByLabel("Role for bob")).ToHaveValueAsync("admin");
        await visit.AssertAccessibleAsync();
        await visit.ScreenshotAsync("members-token-1280");

        await visit.GoAsync($"/{org.Name}/settings/members");
        await Assertions.Expect(page.Locator(".secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);

        await using var bob = await site.SignedInAsync(token);
        await Assertions.Expect(bob.Page.Locator(".whoami")).ToContainTextAsync("bob");
        Assert.DoesNotContain(token, site.Api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_existing_member_is_refused_next_to_the_user_id()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/settings/members");

        await visit.Page.GetByLabel("User ID").FillAsync("alice");
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();

        await Assertions.Expect(visit.Page.Locator("#add-user-id-error")).ToContainTextAsync("alice");
        await Assertions.Expect(visit.Page.GetByLabel("User ID")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(visit.Page.Locator(".secret")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task an_owner_changes_a_role_issues_a_token_and_revokes_one()
    {
        var org = await site.OrganizationAsync();
        var first = await AddMemberAsync(site, org, "bob", "member");
        using var bobApi = site.Client(first);
        await using var bobVisit = await site.SignedInAsync(first);
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/settings/members");
        var page = visit.Page;

        await page.GetByLabel("Role for bob").SelectOptionAsync("viewer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save role for bob" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Role for bob")).ToHaveValueAsync("viewer");
        Assert.Equal("viewer", (await BobAsync(org)).GetProperty("role").GetString());

        await page.GetByRole(AriaRole.Button, new() { Name = "New token for bob" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice .secret")).ToBeVisibleAsync();
        var tokens = (await BobAsync(org)).GetProperty("tokens");
        Assert.Equal(2, tokens.GetArrayLength());

        var firstId = tokens[0].GetProperty("token_id").GetString()!;
        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke token {firstId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Revoke token {firstId}" })).ToHaveCountAsync(0);
        Assert.Equal(1, (await BobAsync(org)).GetProperty("tokens").GetArrayLength());
        Assert.Equal(HttpStatusCode.Unauthorized, (await bobApi.GetAsync($"/api/consumers?organization_id={org.Id}")).StatusCode);
        await bobVisit.GoAsync($"/{org.Name}/end-users");
        Assert.EndsWith("/sign-in", new Uri(bobVisit.Page.Url).AbsolutePath);
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task the_last_owner_token_cannot_be_revoked_and_says_why()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await visit.GoAsync($"/{org.Name}/settings/members");

        await visit.Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke token .* of alice$") }).ClickAsync();

        await Assertions.Expect(visit.Page.Locator(".token-list .field-error")).ToContainTextAsync("last token");
    }

    [Fact]
    public async Task a_viewer_sees_no_member_controls_and_the_page_reads_at_phone_width()
    {
        var org = await site.OrganizationAsync();
        await AddMemberAsync(site, org, "bob", "member");
        var viewer = await AddMemberAsync(site, org, "vic", "viewer");
        await using (var visit = await site.SignedInAsync(viewer))
        {
            await visit.GoAsync($"/{org.Name}/settings/members");
            await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = "Members", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(visit.Page.GetByRole(AriaRole.Button, new() { Name = "Add member" })).ToHaveCountAsync(0);
            await Assertions.Expect(visit.Page.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);
            await Assertions.Expect(visit.Page.GetByRole(AriaRole.Combobox)).ToHaveCountAsync(0);
            await visit.AssertAccessibleAsync();
        }

        await using var phone = await site.SignedInAsync(org.OwnerToken, width: 390);
        await phone.GoAsync($"/{org.Name}/settings/members");
        await Assertions.Expect(phone.Page.GetByLabel("Role for vic")).ToBeVisibleAsync();
        Assert.True(await phone.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync("members-390");
    }

    /// <summary>Adds a member through POST /api/members with the owner's token; answers the member's token.</summary>
    internal static async Task<string> AddMemberAsync(DashboardSite site, DashboardSite.Organization org, string userId, string role)
    {
        using var owner = site.Client(org.OwnerToken);
        var added = await (await owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = userId, role })).JsonAsync(HttpStatusCode.Created);
        return added.GetProperty("token").GetString()!;
    }

    private async Task<JsonElement> BobAsync(DashboardSite.Organization org)
    {
        using var owner = site.Client(org.OwnerToken);
        var list = await (await owner.GetAsync($"/api/members?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        return list.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("user_id").GetString() == "bob");
    }
}
