using Ledger.Api.Usage.Settling;

namespace Ledger.Api.Telemetry;

/// <summary>
/// Counts what the usage endpoints refuse as <c>ledger.usage.records{outcome="refused"}</c>: every
/// record of a post refused whole (a batch with an invalid record), and as one record a post refused
/// before its records could be read (no valid token, too large, unreadable, rate-limited). OTLP's
/// partial refusals, answered 200, are counted by its endpoint.
/// </summary>
public static class UsageRefusals
{
    private static readonly object RecordsKey = new();

    /// <summary>Marks a usage endpoint; call it before the validation filter, so that this filter sees its refusal.</summary>
    public static RouteHandlerBuilder CountsRefusedUsage(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new UsageEndpoint()).AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (result is IStatusCodeHttpResult { StatusCode: >= 400 and < 500 } && context.Arguments.OfType<IUsageBatch>().FirstOrDefault() is { } post)
                context.HttpContext.Items[RecordsKey] = post.Records.Count;
            return result;
        });

    /// <summary>Outside the exception handler, so that the status it answers an unreadable body with is the one seen here.</summary>
    public static void UseLedgerUsageRefusals(this WebApplication app)
    {
        if (!TelemetrySetup.MetricsEnabled(app.Configuration)) return;
        app.Use(async (context, next) =>
        {
            // Read before the request runs: the exception handler clears the endpoint of a request that failed.
            if (context.GetEndpoint()?.Metadata.GetMetadata<UsageEndpoint>() is null)
            {
                await next(context);
                return;
            }
            await next(context);
            if (context.Response.StatusCode is >= 400 and < 500)
                LedgerMeter.UsageRefused(context.Items.TryGetValue(RecordsKey, out var records) && records is int count ? count : 1);
        });
    }

    private sealed class UsageEndpoint;
}
