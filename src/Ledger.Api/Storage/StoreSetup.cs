using JasperFx.Events.Daemon;
using Ledger.Api.Background;
using Ledger.Ingest;
using Ledger.Ingest.Admissions;
using Ledger.Projections;
using Marten;
using Npgsql;
using Wolverine.Marten;

namespace Ledger.Api.Storage;

public static class StoreSetup
{
    /// <summary>The Npgsql connection string: <c>LEDGER_DB</c>, or <c>ConnectionStrings:Ledger</c>.</summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration["LEDGER_DB"] ?? configuration.GetConnectionString("Ledger")
        ?? throw new InvalidOperationException(
            "No database configured: set LEDGER_DB to an Npgsql connection string, or run through ./ledger, which starts one.");

    public static StoreOptions Options(string connectionString)
    {
        var opts = new StoreOptions();
        LedgerStore.Configure(opts, connectionString);
        opts.AddIngestStorage();
        opts.Storage.ExtendedSchemaObjects.Add(Dashboard.Session.DataProtectionKeysTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(Dashboard.Session.SignInLinksTable.Definition());
        opts.Storage.ExtendedSchemaObjects.AddRange(Webhooks.WebhookTables.Definitions());
        return opts;
    }

    /// <summary>
    /// A store outside the API nodes (a command, a benchmark's client): the nodes run the async
    /// projections, never this store, so Marten does not tell whoever runs it that they "will not be executed".
    /// </summary>
    public static StoreOptions OptionsBesideNodes(string connectionString)
    {
        var opts = Options(connectionString);
        opts.Projections.AsyncMode = DaemonMode.ExternallyManaged;
        return opts;
    }

    /// <summary>
    /// Every ingest transaction runs the same few statements (the claims, Marten's append, the
    /// projection upserts); prepared, PostgreSQL stops parsing and planning them each time. This
    /// measured 6-10 % more HTTP ingest throughput. A connection string that sets it wins.
    /// </summary>
    public static NpgsqlDataSource DataSource(string connectionString) => Builder(connectionString, "ledger").Build();

    /// <summary>
    /// The admission lanes' own few connections. A lane's statements are prepared once per
    /// connection, so a small pool that is always in use keeps them prepared (the shared pool
    /// spreads them over up to a hundred connections, each planning them anew). Its transactions
    /// leave nothing behind in the session (their settings and advisory locks end with them), so
    /// a connection goes back to the pool without a reset.
    /// </summary>
    public static NpgsqlDataSource AdmissionDataSource(string connectionString, int lanes)
    {
        var builder = Builder(connectionString, "ledger-admissions");
        builder.ConnectionStringBuilder.MaxPoolSize = lanes + 1;
        builder.ConnectionStringBuilder.MinPoolSize = 0;
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    /// <summary>Named, so that the pool's metrics (at /metrics, which needs no token) carry the name rather than the connection string.</summary>
    private static NpgsqlDataSourceBuilder Builder(string connectionString, string name)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        return builder;
    }

    public static IServiceCollection AddLedgerStore(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = ConnectionString(configuration);
        services.AddSingleton(DataSource(connectionString));
        services.AddKeyedSingleton(AdmissionWriter.DataSourceKey, (sp, _) => AdmissionDataSource(
            connectionString, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AdmissionOptions>>().Value.WriterLanes));
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<SchemaUpgrades>();
        services.AddMarten(_ => Options(connectionString))
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            // Wolverine's inbox and outbox in the same database, written in Marten's transactions (MessagingSetup).
            .IntegrateWithWolverine(w => w.MessageStorageSchemaName = MessagingSetup.Schema)
            // Async projections (the audit trail) run on exactly one node at a time; another takes over when it dies.
            .AddAsyncDaemon(configuration.GetValue("Ledger:AsyncProjections", DaemonMode.HotCold));
        // After Marten's own start-up services (its schema migration first among them).
        services.AddHostedService<RebuildRequests>();
        services.AddHostedService<ConsumerRankingRefreshes>();
        return services;
    }
}
