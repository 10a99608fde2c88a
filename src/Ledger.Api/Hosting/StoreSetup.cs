using Ledger.Ingest;
using Ledger.Projections;
using Marten;
using Npgsql;

namespace Ledger.Api.Hosting;

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
        return opts;
    }

    public static IServiceCollection AddLedgerStore(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = ConnectionString(configuration);
        services.AddSingleton(NpgsqlDataSource.Create(connectionString));
        services.AddSingleton(TimeProvider.System);
        services.AddMarten(_ => Options(connectionString))
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
        return services;
    }
}
