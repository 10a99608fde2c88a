using Ledger.Api.Dashboard.Shell;

namespace Ledger.Api.Dashboard.Session;

public static class SignInLinkEndpoint
{
    public const string Path = "/sign-in/link";

    /// <summary>The link to print for a code: <paramref name="baseUrl"/> is where the API listens (LEDGER_URL's first address).</summary>
    public static string Url(string baseUrl, string code) =>
        baseUrl.Split(';')[0].TrimEnd('/') + Path + "?code=" + Uri.EscapeDataString(code);

    /// <summary>
    /// Opening a one-time link signs in and goes to the Consumers page; a used, expired or unknown
    /// one goes to the sign-in page, which says so. Either way the code leaves the address bar.
    /// The way on is a page of this site that moves on by itself rather than a redirect: a link
    /// opened from another site (a mail in a webmail) would carry the redirect's request as
    /// cross-site, and the browser would hold back the new SameSite=Strict session cookie.
    /// </summary>
    public static void MapSignInLink(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, async (HttpContext context, SessionStart sessions) =>
                await sessions.SignInWithLinkAsync(context, context.Request.Query["code"].ToString()) is { } organization
                    ? Results.Content(Onward(Paths.Consumers(organization)), "text/html; charset=utf-8")
                    : Results.Redirect(SignInPage.LinkRefusedPath))
            .AllowAnonymous()
            .ExcludeFromDescription();

    private static string Onward(string path)
    {
        var href = System.Net.WebUtility.HtmlEncode(path);
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={href}"><title>Signed in · Ledger</title></head>
            <body><p>Signed in. <a href="{href}">Continue to your consumers</a>.</p></body></html>
            """;
    }
}
