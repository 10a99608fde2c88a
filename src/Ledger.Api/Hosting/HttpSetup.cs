using System.Text.Json;
using FluentValidation;
using Ledger.Api.Consumers.Listing;
using Ledger.Api.OrganizationUsage.GettingTotals;
using Ledger.Api.Usage.Settling;

namespace Ledger.Api.Hosting;

public static class HttpSetup
{
    public static IServiceCollection AddLedgerHttp(this IServiceCollection services)
    {
        // snake_case on the wire, as the reference guide names fields. The ingest body has its own
        // stricter, source-generated contract (UsageJsonContext).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        services.Scan(scan => scan.FromAssemblyOf<Program>()
            .AddClasses(c => c.AssignableTo(typeof(IValidator<>))).AsImplementedInterfaces().WithSingletonLifetime()
            .AddClasses(c => c.Where(t => t.Name.EndsWith("Query", StringComparison.Ordinal))).AsSelf().WithSingletonLifetime());
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }

    public static void MapLedgerEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/ready");
        app.MapSettleUsage();
        app.MapListConsumers();
        app.MapOrganizationUsage();
    }
}
