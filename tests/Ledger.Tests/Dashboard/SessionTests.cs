using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace Ledger.Tests.Dashboard;

/// <summary>Signing in to the dashboard with a member token, and out again, in a real browser.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SessionTests(DashboardSite site)
{
    [Fact]
    public async Task an_owner_signs_in_with_the_token_lands_on_consumers_and_signs_out()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.OpenAsync();

        await visit.GoAsync("/");
        Assert.EndsWith("/sign-in", new Uri(visit.Page.Url).AbsolutePath);
        await visit.AssertAccessibleAsync();
        await visit.SignInAsync(org.OwnerToken);

        Assert.Equal($"/{org.Name}/end-users", new Uri(visit.Page.Url).AbsolutePath);
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = "Consumers", Level = 1 })).ToBeVisibleAsync();
        var cookie = Assert.Single(await visit.Context.CookiesAsync(), c => c.Name == "ledger_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(org.OwnerToken, visit.Page.Url, StringComparison.Ordinal);

        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await visit.Page.WaitForURLAsync("**/sign-in", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.Equal(302, (await visit.Page.APIRequest.GetAsync($"/{org.Name}/end-users", new() { MaxRedirects = 0 })).Status);
        visit.AssertNoConsoleErrors();
        Assert.DoesNotContain(org.OwnerToken, site.Api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_wrong_token_is_refused_beside_the_field_and_the_ingest_token_does_not_sign_in()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.OpenAsync();
        await visit.GoAsync("/sign-in");

        await visit.Page.GetByLabel("Token").FillAsync(org.IngestToken);
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not a member's token");
        Assert.EndsWith("/sign-in", new Uri(visit.Page.Url).AbsolutePath);
        Assert.DoesNotContain(await visit.Context.CookiesAsync(), c => c.Name == "ledger_session");
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task a_page_asked_for_before_signing_in_is_where_the_sign_in_leads()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.OpenAsync();

        await visit.GoAsync($"/{org.Name}/end-users?sort=requests");
        await visit.Page.GetByLabel("Token").FillAsync(org.OwnerToken);
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await visit.Page.WaitForURLAsync($"**/{org.Name}/end-users?sort=requests", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
    }

    [Fact]
    public async Task another_organizations_page_answers_404()
    {
        var (mine, theirs) = (await site.OrganizationAsync(), await site.OrganizationAsync());
        await using var visit = await site.SignedInAsync(mine.OwnerToken);

        Assert.Equal(404, await visit.GoAsync($"/{theirs.Name}/end-users"));
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        Assert.Equal(404, await visit.GoAsync("/no-such-organization/end-users"));
    }

    [Fact]
    public async Task a_form_post_without_the_antiforgery_token_is_refused()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);

        var response = await visit.Page.APIRequest.PostAsync("/sign-out", new() { Form = visit.Page.APIRequest.CreateFormData() });

        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(200, await visit.GoAsync($"/{org.Name}/end-users")); // still signed in
    }

    [Fact]
    public async Task a_revoked_token_ends_its_session()
    {
        var org = await site.OrganizationAsync();
        using var owner = site.Client(org.OwnerToken);
        var issued = await owner.PostAsJsonAsync("/api/members/alice/tokens", new { organization_id = org.Id });
        var second = (await issued.Content.ReadFromJsonAsync<JsonElement>());
        await using var visit = await site.SignedInAsync(second.GetProperty("token").GetString()!);

        var revoked = await owner.DeleteAsync($"/api/tokens/{second.GetProperty("token_id").GetString()}?organization_id={org.Id}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await visit.GoAsync($"/{org.Name}/end-users");
        Assert.EndsWith("/sign-in", new Uri(visit.Page.Url).AbsolutePath);
    }

    [Fact]
    public async Task the_session_keys_in_the_database_are_encrypted()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        await using var data = NpgsqlDataSource.Create(site.Api.ConnectionString);
        await using var command = data.CreateCommand("select xml from ledger.data_protection_keys");
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Contains("ledgerEncryptedKey", k, StringComparison.Ordinal));
        Assert.All(keys, k => Assert.DoesNotContain("<masterKey", k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_session_works_on_another_node_and_after_a_restart()
    {
        var org = await site.OrganizationAsync();
        await using var visit = await site.SignedInAsync(org.OwnerToken);
        var other = ApiProcess.NodeBeside(site.Api);
        await other.InitializeAsync();
        try
        {
            // Cookies are per host, not per port: the browser presents the session to the second node.
            Assert.Equal(200, await visit.GoAsync(new Uri(other.Url, $"/{org.Name}/end-users").ToString()));
            await Assertions.Expect(visit.Page.GetByRole(AriaRole.Heading, new() { Name = "Consumers", Level = 1 })).ToBeVisibleAsync();
        }
        finally
        {
            await other.DisposeAsync();
        }
    }
}
