using System.Net;
using Ledger.Api.Dashboard.Session;
using Ledger.Domain.Access;
using Npgsql;

namespace Ledger.Bench;

/// <summary>A browser's session with the dashboard, started as a person starts one from <c>ledger org create</c>'s one-time link.</summary>
public sealed class DashboardSession : IDisposable
{
    private DashboardSession(HttpClient http, string consumers) => (Http, Consumers) = (http, consumers);

    /// <summary>Carries the session cookie; follows no redirect, so a lost session shows as a refusal rather than as the sign-in page.</summary>
    public HttpClient Http { get; }

    /// <summary>The Consumers page's path, which the link led to.</summary>
    public string Consumers { get; }

    public static async Task<DashboardSession> SignInAsync(string connection, Guid org, string ownerToken)
    {
        await using var data = NpgsqlDataSource.Create(connection);
        var code = await new SignInLinksTable(data).IssueAsync(org, BearerToken.Hash(ownerToken), default);
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(HttpIngestBench.Url),
        };
        using var signedIn = await http.GetAsync(new Uri(SignInLinkEndpoint.Url(HttpIngestBench.Url, code)).PathAndQuery);
        // The link answers a page that moves on to the Consumers page (a meta refresh), not a redirect.
        var page = await signedIn.Content.ReadAsStringAsync();
        var onward = System.Text.RegularExpressions.Regex.Match(page, "url=([^\"]+)\"");
        var to = onward.Success ? System.Net.WebUtility.HtmlDecode(onward.Groups[1].Value) : signedIn.Headers.Location?.OriginalString;
        if (to is null || !to.EndsWith("/end-users", StringComparison.Ordinal))
            throw new InvalidOperationException($"the sign-in link led to {to ?? ((int)signedIn.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}, not to the Consumers page");
        return new DashboardSession(http, to);
    }

    public void Dispose() => Http.Dispose();
}
