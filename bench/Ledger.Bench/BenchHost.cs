using Ledger.Api.Storage;
using Ledger.Api.Telemetry;
using Ledger.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Bench;

/// <summary>Ledger's store and write path in the bench's own process, as an API node has them, without HTTP.</summary>
public static class BenchHost
{
    /// <summary>Started; with <paramref name="asyncDaemon"/> false, no async projection runs here.</summary>
    public static async Task<IHost> StartAsync(string connection, bool asyncDaemon)
    {
        // Configuration is not watched for changes: the watcher would cover the working directory and
        // everything under it, often the repository with the private cluster's data in .data/, so every
        // write PostgreSQL makes would wake the bench's file watcher (docs/performance.md).
        var settings = new ConfigurationManager();
        settings.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = settings });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LEDGER_DB"] = connection,
            ["Ledger:AsyncProjections"] = asyncDaemon ? "HotCold" : "Disabled",
        });
        builder.Services.AddLedgerStore(builder.Configuration);
        builder.Services.AddLedgerIngest(builder.Configuration);
        // Metrics as an API node records them (on unless Ledger__Metrics__Enabled=false), so that their cost shows.
        builder.Services.AddLedgerTelemetry(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
