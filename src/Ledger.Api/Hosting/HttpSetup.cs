using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Ledger.Api.Consumers.Listing;
using Ledger.Api.OrganizationUsage.GettingTotals;
using Ledger.Api.Usage.Settling;

namespace Ledger.Api.Hosting;

public static class HttpSetup
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Strict on input: "12" is not a number, and a misspelt field is an error rather than a silent default.
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static IServiceCollection AddLedgerHttp(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.PropertyNamingPolicy;
            o.SerializerOptions.DictionaryKeyPolicy = Json.DictionaryKeyPolicy;
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
