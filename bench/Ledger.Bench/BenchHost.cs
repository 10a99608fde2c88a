using Ledger.Api.Hosting;
using Ledger.Ingest;
using Ledger.Projections.Rebuilds;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ledger.Bench;

/// <summary>Ledger's store and write path in the bench's own process, as an API node has them, without HTTP.</summary>
public static class BenchHost
{
    /// <summary>Started; with <paramref name="asyncDaemon"/> false, no async projection runs here.</summary>
    public static async Task<IHost> StartAsync(string connection, bool asyncDaemon)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LEDGER_DB"] = connection,
            ["Ledger:AsyncProjections"] = asyncDaemon ? "HotCold" : "Disabled",
        });
        builder.Services.AddLedgerStore(builder.Configuration);
        builder.Services.AddLedgerIngest(builder.Configuration);
        var host = builder.Build();
        // As an API node does at start (RebuildRequests): note that the async projections' rows will
        // have this build's shape. Otherwise the API a bench starts later finds rows of no known shape,
        // takes them for rows older than shapes, and rebuilds them under the bench's timed requests.
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await ProjectionShapes.RequestRebuildsAsync(store, host.Services.GetRequiredService<NpgsqlDataSource>(), default);
        await host.StartAsync();
        return host;
    }
}
