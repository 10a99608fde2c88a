using System.Text.RegularExpressions;
using Ledger.Api.Dashboard.Session;
using Ledger.Domain.Access;
using Ledger.Tests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace Ledger.Tests.Dashboard;

/// <summary>The one-time sign-in link that <c>ledger org create</c> prints, opened in a real browser.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInLinkTests(DashboardSite site)
{
    [Fact]
    public async Task a_link_signs_in_once_and_a_second_opening_is_refused_on_the_sign_in_page()
    {
        var org = await site.OrganizationAsync();
        var link = await LinkAsync(org);

        await using (var first = await site.OpenAsync())
        {
            await first.GoAsync(link);
            // The link's page moves on by itself (a meta refresh); a failure names the address the browser stayed at.
            await Assertions.Expect(first.Page).ToHaveURLAsync(new Regex($"/{Regex.Escape(org.Name)}/end-users$"), new() { Timeout = 60_000 });
            await Assertions.Expect(first.Page.GetByRole(AriaRole.Heading, new() { Name = "Consumers", Level = 1 })).ToBeVisibleAsync();
        }

        await using var second = await site.OpenAsync();
        await second.GoAsync(link);

        Assert.Equal("/sign-in", new Uri(second.Page.Url).AbsolutePath);
        await Assertions.Expect(second.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("expired or has already been used");
        Assert.DoesNotContain(await second.Context.CookiesAsync(), c => c.Name == "ledger_session");
        await second.AssertAccessibleAsync();
        await second.ScreenshotAsync("sign-in-link-refused");
        Assert.DoesNotContain(new Uri(site.Api.Url, link).Query.Split('=')[^1], site.Api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_expired_link_is_refused()
    {
        var org = await site.OrganizationAsync();
        var link = await LinkAsync(org);
        await using (var data = NpgsqlDataSource.Create(site.Api.ConnectionString))
        await using (var expire = data.CreateCommand(
            $"update {SignInLinksTable.Name} set expires_at = now() - interval '1 second' where organization_id = $1"))
        {
            expire.Parameters.Add(new NpgsqlParameter { Value = org.Id });
            Assert.Equal(1, await expire.ExecuteNonQueryAsync());
        }
        await using var visit = await site.OpenAsync();

        await visit.GoAsync(link);

        Assert.Equal("/sign-in", new Uri(visit.Page.Url).AbsolutePath);
        await Assertions.Expect(visit.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("expired or has already been used");
        Assert.Equal(302, (await visit.Page.APIRequest.GetAsync($"/{org.Name}/end-users", new() { MaxRedirects = 0 })).Status);
    }

    /// <summary>The link's path, issued as <c>ledger org create</c> issues it for the owner.</summary>
    private async Task<string> LinkAsync(DashboardSite.Organization org)
    {
        await using var data = NpgsqlDataSource.Create(site.Api.ConnectionString);
        var code = await new SignInLinksTable(data).IssueAsync(org.Id, BearerToken.Hash(org.OwnerToken), default);
        return new Uri(SignInLinkEndpoint.Url(site.Api.Url.ToString(), code)).PathAndQuery;
    }
}
