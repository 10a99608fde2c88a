using System.Diagnostics;

namespace Ledger.Api.Http;

/// <summary>
/// One Information line per request: method, route, status and time. The route is the endpoint's
/// pattern (<c>/api/consumers/{end_user_id}/activity</c>), never the URL: paths carry consumer
/// ids and query strings carry searches, which do not belong in logs. ASP.NET Core's own request
/// lines, which print the whole URL, stay off (<c>Microsoft.AspNetCore</c> at Warning in appsettings.json).
/// </summary>
public static partial class RequestLog
{
    public const string Category = "Ledger.Api.Http.RequestLog";

    public static void UseLedgerRequestLog(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Information))
            {
                await next(context);
                return;
            }
            // Read before the request runs: the exception handler clears the endpoint of a request that failed.
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                Log(logger, context.Request.Method, route, context.Response.StatusCode, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1));
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Route} answered {StatusCode} in {ElapsedMs} ms")]
    private static partial void Log(ILogger logger, string method, string route, int statusCode, double elapsedMs);
}
