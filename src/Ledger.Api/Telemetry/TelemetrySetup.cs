using OpenTelemetry.Metrics;

namespace Ledger.Api.Telemetry;

/// <summary>Metrics for Prometheus at <c>/metrics</c>: requests (ASP.NET Core), the database pool (Npgsql) and Ledger's own (<see cref="LedgerMeter"/>).</summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddLedgerTelemetry(this IServiceCollection services)
    {
        services.AddHostedService<ProjectionLag>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(LedgerMeter.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql")
            // Npgsql names a pool by its connection string (host, user, database) unless its data source has
            // a name; the scrape needs no token, so the pools are summed by state instead.
            .AddView("db.client.*", new MetricStreamConfiguration { TagKeys = ["db.client.connection.state"] })
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)); // a scrape shows the figures of that moment
        return services;
    }

    /// <summary>Public, like the health probes: a scraper carries no token.</summary>
    public static void MapLedgerMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath).DisableRateLimiting();
}
