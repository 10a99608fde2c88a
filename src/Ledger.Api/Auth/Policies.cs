using Ledger.Domain.Access;

namespace Ledger.Api.Auth;

/// <summary>SPEC §2's role table as authorization policies.</summary>
public static class Policies
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Administer = "administer";
    public const string Tag = "tag";

    /// <summary>Reading the per-request export: any member, and the gateway's ingest token.</summary>
    public const string Export = "export";

    public static IServiceCollection AddLedgerAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthOptions>(configuration.GetSection("Ledger:Auth"));
        services.AddSingleton<IngestTokenCache>();
        services.AddSingleton<TokenLookup>();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Ingest, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.RoleOf() is Role.Ingest))
            .AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.RoleOf() is { } r && r.CanReadDashboard()))
            .AddPolicy(Administer, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.RoleOf() is { } r && r.IsAdministrator()))
            .AddPolicy(Tag, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.RoleOf() is { } r && r.CanTag()))
            .AddPolicy(Export, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.RoleOf() is not null));
        return services;
    }
}
