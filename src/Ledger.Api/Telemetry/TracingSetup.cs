using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ledger.Api.Telemetry;

/// <summary>
/// Traces over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (docs/operations.md): requests
/// (ASP.NET Core), outgoing calls (HttpClient: webhook deliveries), statements (Npgsql), Marten's
/// daemon and Wolverine's messages. The exporter reads the other <c>OTEL_*</c> variables itself.
/// </summary>
public static class TracingSetup
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Their activity sources, as each library names it.</summary>
    private static readonly string[] LibrarySources = ["Npgsql", "Marten", "Wolverine"];

    public static IServiceCollection AddLedgerTracing(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[EndpointVariable])) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "ledger"))
            .WithTracing(tracing => tracing
                // A scraper's and a prober's requests every few seconds are not worth a trace.
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments(TelemetrySetup.MetricsPath) && !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddSource(LibrarySources)
                .AddProcessor<UrlRedaction>() // before the exporter's own processor, which runs after it
                .AddOtlpExporter());
        return services;
    }
}
