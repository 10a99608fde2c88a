using Ledger.Api.Cli;
using Marten;

namespace Ledger.Api.Telemetry;

/// <summary>
/// Reads each async projection's lag every few seconds for the <c>ledger.projection.lag</c> gauge, so
/// a scrape never waits for the database (and a scrape during an outage shows the last figures).
/// </summary>
public sealed partial class ProjectionLag(IDocumentStore store, ILogger<ProjectionLag> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                LedgerMeter.Lags = [.. (await ProjectionsCommand.StatusAsync(store, stoppingToken)).Rows.Select(r => (r.Projection, r.Lag))];
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogUnread(logger, e.Message); // the database is down: the gauge keeps its last figures
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Projection lag not read: {Reason}")]
    private static partial void LogUnread(ILogger logger, string reason);
}
