using Ledger.Projections.Audit;
using Npgsql;

namespace Ledger.Api.Audit;

/// <summary>
/// Deletes audit rows that have left the 90-day window, hourly. Readers never see them anyway;
/// this only bounds the table. Events are never deleted: a rebuild recreates the rows and the
/// next purge removes the expired ones again.
/// </summary>
public sealed class AuditRetention(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<AuditRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(TimeSpan.FromMinutes(1), clock, stoppingToken); // after the schema is in place
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                await using var command = dataSource.CreateCommand($"delete from {AuditLogTable.Name} where at < $1");
                command.Parameters.Add(new NpgsqlParameter { Value = AuditWindow.Start(clock.GetUtcNow()) });
                var purged = await command.ExecuteNonQueryAsync(stoppingToken);
                if (purged > 0) logger.LogInformation("Purged {Count} audit entries older than {Days} days", purged, AuditWindow.Length.TotalDays);
            }
            catch (Exception e) when (e is NpgsqlException or PostgresException)
            {
                logger.LogWarning(e, "Audit retention purge failed; it will run again in an hour");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
