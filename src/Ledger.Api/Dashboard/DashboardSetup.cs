using Ledger.Api.Auth;
using Ledger.Api.Dashboard.Activity;
using Ledger.Api.Dashboard.Session;
using Ledger.Api.Dashboard.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http.Metadata;

namespace Ledger.Api.Dashboard;

/// <summary>
/// The dashboard: Razor components rendered on the server (static SSR), plain links and forms,
/// and one small script for dialogs. Pages ask the same query classes and decisions as the JSON
/// endpoints; they authenticate with the session cookie, never with a bearer token.
/// </summary>
public static class DashboardSetup
{
    /// <summary>
    /// Pages only talk to this server: no inline script, nothing from elsewhere, no framing.
    /// Charts are SVG drawn here, so no style attribute is needed either.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IServiceCollection AddLedgerDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorComponents();
        services.AddLedgerSessions(configuration);
        services.AddSingleton<SignInLinksTable>();
        services.AddSingleton<SessionStart>();
        return services;
    }

    /// <summary>Static files first (they need no session); antiforgery after authentication, as it reads the session's user.</summary>
    public static void UseLedgerDashboardFiles(this WebApplication app) => app.UseStaticFiles();

    public static void UseLedgerDashboardAntiforgery(this WebApplication app)
    {
        app.UseAntiforgery();
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    context.Response.Headers.XFrameOptions = "DENY";
                    context.Response.Headers["Referrer-Policy"] = "same-origin";
                    return Task.CompletedTask;
                });
            return next(context);
        });
    }

    public static void MapLedgerDashboard(this WebApplication app)
    {
        app.MapSignOut();
        app.MapSignInLink();
        app.MapActivityCsv();
        app.MapRazorComponents<App>()
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = SessionSetup.Scheme, Policy = Policies.Read })
            // Pages take form posts only. A JSON post to an API route that refuses it (a wrong media
            // type) must get the API's own answer, not fall through to a page address such as
            // /{organization}/end-users/{id}, which /api/end-users/bulk would otherwise match.
            .WithMetadata(new AcceptsMetadata(["application/x-www-form-urlencoded", "multipart/form-data"]))
            .ExcludeFromDescription();
    }
}
