using Ledger.Projections.ConsumerRanking;
using Marten;
using Npgsql;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace Ledger.Api.Background;

/// <summary>
/// Keeps the consumer list's orders on every node that runs the async projections
/// (<see cref="ConsumerRankingRefresh"/>): computes those due, then waits four times as long as that
/// took, within <see cref="ConsumerRankingRefresh.MinimumInterval"/> and
/// <see cref="ConsumerRankingRefresh.MaximumInterval"/>. While the database is down it tries again
/// every <see cref="RetryAfterFailure"/>.
/// </summary>
public sealed partial class ConsumerRankingRefreshes(
    IServiceProvider services, IDocumentStore store, TimeProvider clock, ILogger<ConsumerRankingRefreshes> logger) : BackgroundService
{
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Without the async daemon (Ledger:AsyncProjections = Disabled) this node keeps no read model of its own.
        if (services.GetService<IProjectionCoordinator>() is null) return;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = clock.GetTimestamp();
            TimeSpan pause;
            try
            {
                await ConsumerRankingRefresh.RunAsync(store, wait: false, logger, stoppingToken);
                pause = ConsumerRankingRefresh.Pause(clock.GetElapsedTime(started));
                if (failing) LogRecovered(logger);
                failing = false;
            }
            catch (Exception e) when (e is NpgsqlException or PostgresException)
            {
                if (!failing) LogFailed(logger, e, RetryAfterFailure.TotalSeconds);
                failing = true;
                pause = RetryAfterFailure;
            }
            await Task.Delay(pause, clock, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Computing the consumer list's orders failed; trying again every {Seconds} s")]
    private static partial void LogFailed(ILogger logger, Exception e, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Computing the consumer list's orders works again")]
    private static partial void LogRecovered(ILogger logger);
}
