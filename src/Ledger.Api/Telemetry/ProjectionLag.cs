using Ledger.Api.Cli;
using Marten;
using Npgsql;

namespace Ledger.Api.Telemetry;

/// <summary>
/// Reads each async projection's lag every few seconds for the <c>ledger.projection.lag</c> and
/// <c>ledger.projection.delay</c> gauges, so a scrape never waits for the database (and a scrape
/// during an outage shows the last figures).
/// </summary>
public sealed partial class ProjectionLag(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<ProjectionLag> logger) : BackgroundService
{
    /// <summary>Events behind the newest, and how many seconds the oldest of them has waited.</summary>
    public sealed record Reading(string Projection, long Events, double Seconds);

    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                LedgerMeter.Lags = await ReadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogUnread(logger, e.Message); // the database is down: the gauges keep their last figures
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<IReadOnlyList<Reading>> ReadAsync(CancellationToken ct)
    {
        var (_, rows) = await ProjectionsCommand.StatusAsync(store, ct);
        var positions = rows.Select(r => r.Position).Distinct().ToArray();
        // The age of the first event past each position, by the database's clock, which also stamped the events.
        await using var command = dataSource.CreateCommand(
            $"""
            select p, coalesce(extract(epoch from now() - (
                select e.timestamp from {store.Options.Events.DatabaseSchemaName}.mt_events e where e.seq_id > p order by e.seq_id limit 1)), 0)::float8
            from unnest($1::bigint[]) p
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = positions });
        var ages = new Dictionary<long, double>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) ages[reader.GetInt64(0)] = Math.Max(0, reader.GetDouble(1));
        return [.. rows.Select(r => new Reading(r.Projection, r.Lag, r.Lag > 0 ? ages.GetValueOrDefault(r.Position) : 0))];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Projection lag not read: {Reason}")]
    private static partial void LogUnread(ILogger logger, string reason);
}
