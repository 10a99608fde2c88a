namespace Ledger.Api.Http;

/// <summary>Kestrel's settings: what a request may bring, and what a response gives away.</summary>
public static class ServerLimits
{
    /// <summary>
    /// A dashboard or admission body is a handful of fields. Endpoints that take more (usage batches,
    /// CSV imports) declare their own limit with <c>RequestSizeLimit</c>; a larger body answers 413.
    /// </summary>
    public const long MaxJsonBodyBytes = 64 * 1024;

    public static void ConfigureLedgerServer(this IWebHostBuilder web) => web.ConfigureKestrel(o =>
    {
        o.AddServerHeader = false; // no product name for a scanner to match against known flaws
        o.Limits.MaxRequestBodySize = MaxJsonBodyBytes;
    });
}
