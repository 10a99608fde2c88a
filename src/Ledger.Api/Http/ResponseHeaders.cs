using System.Globalization;

namespace Ledger.Api.Http;

/// <summary>Headers every response carries, set in one place whatever answered the request.</summary>
public static class ResponseHeaders
{
    /// <summary>How long a 503 asks the caller to wait: long enough for a database failover or restart to be under way.</summary>
    public const int UnavailableRetryAfterSeconds = 5;

    public static void UseLedgerResponseHeaders(this WebApplication app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // Browsers must not guess a JSON or CSV answer into HTML.
            headers.XContentTypeOptions = "nosniff";
            // Answers carry tokens (issued once, never again) and per-organization data; nothing may keep a copy.
            headers.CacheControl = "no-store";
            if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !headers.ContainsKey("Retry-After"))
                headers.RetryAfter = UnavailableRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(context);
    });
}
