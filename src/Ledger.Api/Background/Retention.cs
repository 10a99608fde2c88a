using Ledger.Projections.Audit;
using Ledger.Projections.SpendLog;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Background;

/// <summary>
/// Deletes audit and spend log rows that have left the 90-day window (<see cref="RetentionWindow"/>),
/// hourly. Readers never see them anyway; this only bounds the tables. Events are never deleted: a
/// rebuild recreates the rows and the next purge removes the expired ones again.
/// </summary>
public sealed partial class Retention(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<Retention> logger) : BackgroundService
{
    /// <summary>Each windowed table and the column its window is on.</summary>
    private static readonly (string Table, string Column)[] Windowed = [(AuditLogTable.Name, "at"), (SpendLogTable.Name, "occurred_at")];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(TimeSpan.FromMinutes(1), clock, stoppingToken); // after the schema is in place
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            foreach (var (table, column) in Windowed)
            {
                try
                {
                    await using var command = dataSource.CreateCommand($"delete from {table} where {column} < $1");
                    command.Parameters.Add(new NpgsqlParameter { Value = RetentionWindow.Start(clock.GetUtcNow()) });
                    var purged = await command.ExecuteNonQueryAsync(stoppingToken);
                    if (purged > 0) LogPurged(logger, purged, table, RetentionWindow.Length.TotalDays);
                }
                catch (Exception e) when (e is NpgsqlException or PostgresException)
                {
                    LogPurgeFailed(logger, e, table);
                }
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} rows of {Table} older than {Days} days")]
    private static partial void LogPurged(ILogger logger, int count, string table, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging {Table} failed; it will run again in an hour")]
    private static partial void LogPurgeFailed(ILogger logger, Exception e, string table);
}
