using JasperFx.Events;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ledger.Ingest.GroupCommit;

/// <summary>
/// Retries a whole transaction when PostgreSQL or Marten reports a conflict that a second attempt
/// resolves: a deadlock, a serialization failure, or two nodes registering the same consumer.
/// </summary>
public static partial class TransientRetry
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> attempt, int maxAttempts, ILogger logger)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (n < maxAttempts && IsTransient(e))
            {
                LogRetry(logger, n, e.Message);
                await Task.Delay(Random.Shared.Next(5, 20 * n));
            }
        }
    }

    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation } => true,
        NpgsqlException { IsTransient: true } => true,
        ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException => true,
        { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    /// <summary>
    /// The database could not be reached or gave no answer in time (connection refused or broken, the pool
    /// exhausted, a timeout): no item of a group causes that, and trying each alone only repeats the wait.
    /// An error the server reported (a <see cref="PostgresException"/>) is not one.
    /// </summary>
    public static bool IsUnreachable(Exception e) => e switch
    {
        PostgresException => false,
        NpgsqlException or TimeoutException => true,
        { InnerException: { } inner } => IsUnreachable(inner),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient conflict on attempt {Attempt}, retrying: {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason);
}
