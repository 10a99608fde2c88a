using Ledger.Domain.Consumers;
using Ledger.Ingest.Usage;
using Ledger.Ingest.Usage.Settling;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Ingest;

public static class IngestModule
{
    public static IServiceCollection AddLedgerIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IngestOptions>(configuration.GetSection("Ledger:Ingest"));
        services.AddSingleton(ReservedFrom(configuration.GetSection("Ledger:ReservedIdentifiers")));
        services.AddSingleton<UsageBatchWriter>();
        services.AddSingleton<UsageIngestQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageIngestQueue>());
        return services;
    }

    /// <summary>Reserved identifiers (SPEC §1), configurable; defaults when the section is absent.</summary>
    private static ReservedIdentifiers ReservedFrom(IConfigurationSection section) => section.Exists()
        ? new ReservedIdentifiers(section.GetSection("Exact").Get<string[]>() ?? [], section.GetSection("Prefixes").Get<string[]>() ?? [])
        : ReservedIdentifiers.Default;

    public static void AddIngestStorage(this StoreOptions opts)
    {
        opts.Storage.ExtendedSchemaObjects.Add(RequestRegistryTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ConsumerRegistryTable.Definition());
    }
}
