using Ledger.Ingest.GroupCommit;
using OpenTelemetry.Metrics;

namespace Ledger.Api.Telemetry;

/// <summary>
/// Metrics for Prometheus at <c>/metrics</c> (docs/operations.md): requests (ASP.NET Core, Kestrel),
/// the runtime, the database pools (Npgsql), Marten's daemon, Wolverine's messages and Ledger's own
/// (<see cref="LedgerMeter"/>, <see cref="GroupCommitMeter"/>). <c>Ledger:Metrics:Enabled=false</c> turns it all off.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Not System.Net.Http: it labels by server address, and webhook hosts are the organizations'.
    /// Marten's: the async daemon's events processed and gaps, per projection. Wolverine's is named after
    /// the service: messages sent, succeeded, failed and dead-lettered, by message type.
    /// </summary>
    private static readonly string[] Meters = [LedgerMeter.Name, GroupCommitMeter.Name, "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime", "Npgsql", "Marten", "Wolverine:*"];

    public static bool MetricsEnabled(IConfiguration configuration) => configuration.GetValue("Ledger:Metrics:Enabled", true);

    public static IServiceCollection AddLedgerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!MetricsEnabled(configuration)) return services;
        services.AddHostedService<ProjectionLag>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Meters)
            // Npgsql names a pool by its connection string (host, user, database) unless its data source has
            // a name; the scrape needs no token, so the pools are summed by state instead.
            .AddView("db.client.*", new MetricStreamConfiguration { TagKeys = ["db.client.connection.state"] })
            // Marten labels its daemon's figures with the database's address (host and name): dropped, as above.
            .AddView(instrument => instrument.Meter.Name == "Marten" ? new MetricStreamConfiguration { TagKeys = [] } : null)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)); // a scrape shows the figures of that moment
        return services;
    }

    /// <summary>Public, like the health probes: a scraper carries no token.</summary>
    public static void MapLedgerMetrics(this WebApplication app)
    {
        if (MetricsEnabled(app.Configuration)) app.MapPrometheusScrapingEndpoint(MetricsPath).DisableRateLimiting();
    }
}
