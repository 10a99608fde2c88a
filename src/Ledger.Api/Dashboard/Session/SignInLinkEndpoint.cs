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
    /// </summary>
    public static void MapSignInLink(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, async (HttpContext context, SessionStart sessions) =>
                await sessions.SignInWithLinkAsync(context, context.Request.Query["code"].ToString()) is { } organization
                    ? Results.Redirect(Paths.Consumers(organization))
                    : Results.Redirect(SignInPage.LinkRefusedPath))
            .AllowAnonymous()
            .ExcludeFromDescription();
}
