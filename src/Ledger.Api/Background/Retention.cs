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
    /// <summary>A windowed table, the column its window is on, and the BRIN index on that column if it has one.</summary>
    private sealed record Window(string Table, string Column, string? BrinIndex);

    private static readonly Window[] Windowed = [new(AuditLogTable.Name, "at", null), new(SpendLogTable.Name, "occurred_at", SpendLogTable.TimeIndex)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(TimeSpan.FromMinutes(1), clock, stoppingToken); // after the schema is in place
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do await PurgeAsync(stoppingToken);
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over the windowed tables: deletes the rows older than the window, in every organization.</summary>
    public async Task PurgeAsync(CancellationToken ct)
    {
        foreach (var (table, column, brin) in Windowed)
        {
            try
            {
                if (brin is not null) await BrinSummaries.SummarizeNewRangesAsync(dataSource, brin, ct);
                await using var command = dataSource.CreateCommand($"delete from {table} where {column} < $1");
                command.Parameters.Add(new NpgsqlParameter { Value = RetentionWindow.Start(clock.GetUtcNow()) });
                var purged = await command.ExecuteNonQueryAsync(ct);
                if (purged > 0) LogPurged(logger, purged, table, RetentionWindow.Length.TotalDays);
            }
            catch (Exception e) when (e is NpgsqlException or PostgresException)
            {
                LogPurgeFailed(logger, e, table);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} rows of {Table} older than {Days} days")]
    private static partial void LogPurged(ILogger logger, int count, string table, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging {Table} failed; it will run again in an hour")]
    private static partial void LogPurgeFailed(ILogger logger, Exception e, string table);
}
