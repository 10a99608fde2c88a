using JasperFx.Events.Projections;
using Ledger.Domain.Consumers;
using Ledger.Ingest.Admissions;
using Ledger.Ingest.Admissions.Caps;
using Ledger.Ingest.Admissions.Leases;
using Ledger.Ingest.Admissions.Meters;
using Ledger.Ingest.Usage;
using Ledger.Ingest.Usage.Pricing;
using Ledger.Ingest.Usage.Settling;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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
        services.Configure<AdmissionOptions>(configuration.GetSection("Ledger:Admissions"));
        // Registered before the queue, so it stops after it and appends what the queue's last admissions left.
        services.AddSingleton<AdmissionEventPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<AdmissionEventPublisher>());
        // Stops before the publisher and after the queue: what it stores last is still published.
        services.AddSingleton<AdmissionRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<AdmissionRecorder>());
        services.AddSingleton<AdmissionWriter>();
        services.AddSingleton<NodeLeases>();
        services.AddSingleton<RecentAdmissions>();
        services.AddSingleton<AdmissionQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<AdmissionQueue>());
        services.AddSingleton<AdmissionGate>();
        services.AddSingleton<CapCrossings>();
        services.AddHostedService<LeaseNotifications>();
        services.ConfigureMarten((sp, opts) => opts.Listeners.Add(new CapChangeNotices(
            sp.GetRequiredService<NodeLeases>(), sp.GetRequiredKeyedService<NpgsqlDataSource>(AdmissionWriter.DataSourceKey))));
        // Stops first, giving back every lease while the database is still reachable.
        services.AddHostedService<LeaseKeeper>();
        services.AddSingleton<ReservationExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<ReservationExpiry>());
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
        opts.Storage.ExtendedSchemaObjects.Add(UnpricedModelsTable.Definition());
        opts.Storage.ExtendedSchemaObjects.AddRange(ScopeMeterTables.Definitions());
        opts.Storage.ExtendedSchemaObjects.AddRange(AdmissionTables.Definitions());
        opts.Storage.ExtendedSchemaObjects.Add(AdmissionCapsTable.Definition());
        opts.Projections.Add(new AdmissionCapsProjection(), ProjectionLifecycle.Inline, AdmissionCapsProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(AdmissionCapsTable.Name));
    }
}
