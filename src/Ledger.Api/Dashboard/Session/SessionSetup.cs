using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Domain.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Api.Dashboard.Session;

/// <summary>
/// Dashboard sessions: a member signs in with a token once and gets an HttpOnly, SameSite=Strict
/// cookie (Secure under HTTPS) with a sliding expiry. The JSON API keeps taking bearer tokens
/// only, so a cookie can never drive it from another site.
/// </summary>
public static class SessionSetup
{
    public const string Scheme = "Session";

    /// <summary>A session unused this long ends; every page view extends it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);

    public static IServiceCollection AddLedgerSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName("Ledger");
        var key = SessionKeyEncryption.KeyFrom(configuration);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new DataProtectionKeysTable(sp.GetRequiredService<NpgsqlDataSource>());
            if (key is not null) o.XmlEncryptor = new SessionKeyEncryption(key);
            else
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SessionSetup)).LogWarning(
                    "{Setting} is not set: dashboard session keys are stored unencrypted in the database. ./ledger up sets it; see docs/operations.md.",
                    SessionKeyEncryption.Setting);
        }));
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "ledger_session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = "/sign-in";
            o.LogoutPath = "/sign-out";
            o.AccessDeniedPath = "/sign-in";
            o.Events.OnValidatePrincipal = RevalidateAsync;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ledger_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services;
    }

    /// <summary>
    /// Every request re-reads the token the session was started with: a revoked token ends the
    /// session at once, and a changed role applies at once, as it does for bearer requests.
    /// </summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var lookup = context.HttpContext.RequestServices.GetRequiredService<TokenLookup>();
        var hash = principal.FindFirstValue(SessionClaims.TokenHash);
        var found = hash is null ? null : await lookup.FindAsync(hash, context.HttpContext.RequestAborted);
        if (found is null || !found.Role.CanReadDashboard())
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        if (found.Role != principal.RoleOf())
        {
            context.ReplacePrincipal(SessionClaims.Principal(found, hash!, principal.OrganizationNameOf()));
            context.ShouldRenew = true;
        }
    }
}
