using Npgsql;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace Ledger.Api.Background;

/// <summary>
/// Work that follows the inline and async read models on the nodes that run the async projections
/// (none with <c>Ledger:AsyncProjections = Disabled</c>): a turn, then the pause it asks for. While
/// the database is down it logs once and tries again every <see cref="RetryAfterFailure"/>.
/// </summary>
public abstract partial class RecurringWork(IServiceProvider services, TimeProvider clock, ILogger logger) : BackgroundService
{
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    protected TimeProvider Clock { get; } = clock;

    /// <summary>What the log calls it.</summary>
    protected abstract string What { get; }

    /// <summary>One turn; how long to wait before the next.</summary>
    protected abstract Task<TimeSpan> TurnAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IProjectionCoordinator>() is null) return;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                pause = await TurnAsync(stoppingToken);
                if (failing) LogRecovered(logger, What);
                failing = false;
            }
            catch (Exception e) when (e is NpgsqlException or PostgresException)
            {
                if (!failing) LogFailed(logger, e, What, RetryAfterFailure.TotalSeconds);
                failing = true;
                pause = RetryAfterFailure;
            }
            await Task.Delay(pause, Clock, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} failed; trying again every {Seconds} s")]
    private static partial void LogFailed(ILogger logger, Exception e, string what, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{What} works again")]
    private static partial void LogRecovered(ILogger logger, string what);
}
