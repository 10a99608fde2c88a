using Npgsql;

namespace Ledger.Api.Problems;

/// <summary>
/// Answers a request that failed because PostgreSQL cannot be reached with 503 (Retry-After comes
/// from <see cref="Http.ResponseHeaders"/>), not 500: the caller should try again, not report a bug.
/// The token lookup in authentication throws through to here too, so an outage never reads as 401.
/// </summary>
public sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger)
    : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsOutage(exception)) return false;
        LogOutage(logger, exception.GetBaseException().Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                Title = "The database is unavailable",
                Detail = "Ledger cannot reach its database right now. Retry after the number of seconds in Retry-After.",
            },
        });
    }

    /// <summary>
    /// The database is down or unreachable, as opposed to a query that is wrong: a broken or refused
    /// connection, a timeout, a server shutting down or refusing connections, too many connections.
    /// </summary>
    public static bool IsOutage(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections,
        NpgsqlException { IsTransient: true } => true, // sockets, I/O and timeouts
        { InnerException: { } inner } => IsOutage(inner),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is unavailable; answered 503: {Reason}")]
    private static partial void LogOutage(ILogger logger, string reason);
}
