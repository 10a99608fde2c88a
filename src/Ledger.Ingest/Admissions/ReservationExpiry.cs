using Ledger.Domain.Admissions;
using Ledger.Ingest.Admissions.Meters;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Releases reservations whose usage never settled once they expire, with a
/// <see cref="ReservationReleased"/> event each, and purges what admission no longer needs
/// (closed reservations admitted more than two lifetimes ago, per-second token rows older than two minutes).
/// At its first sweep and the first after each UTC midnight it also moves the day the consumers'
/// lifetime rows keep into the daily rows (<see cref="ScopeMeters.MoveOldDaysAsync"/>), so the new
/// day's spend is kept in those rows again. Every node runs it; <c>for update skip locked</c> lets nodes share the work without releasing
/// a reservation twice, and a reservation left open by a node that stopped or crashed is released
/// by whichever node sweeps next.
/// </summary>
public sealed partial class ReservationExpiry(
    IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AdmissionOptions> options, ILogger<ReservationExpiry> logger)
    : BackgroundService
{
    private readonly string _writerId = "expiry-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The UTC day up to which this node has moved the kept days (before it, none is left).</summary>
    private DateOnly _daysMovedBefore = DateOnly.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, clock);
        do
        {
            try
            {
                while (await ReleaseExpiredAsync(stoppingToken) == options.Value.ExpiryBatchSize) { }
                await PurgeAsync(stoppingToken);
                await MoveOldDaysAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or PostgresException)
            {
                LogSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Releases up to one batch of expired reservations; returns how many.</summary>
    public async Task<int> ReleaseExpiredAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            with due as (
                select organization_id, request_id from {AdmissionTables.Admissions}
                where closed_at is null and expires_at <= $1 order by expires_at limit $2 for update skip locked),
            closed as (
                update {AdmissionTables.Admissions} a set closed_at = $1 from due
                where a.organization_id = due.organization_id and a.request_id = due.request_id
                returning a.organization_id, a.request_id, a.reservation_id, a.end_user_id, a.key_id, a.team_id, a.estimated_cost, a.expires_at),
            {ScopeMeters.LifetimeCte(null, "closed")}
            select organization_id, request_id, reservation_id, estimated_cost, expires_at from closed
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Value.ExpiryBatchSize });
        var released = new List<ReservationReleased>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                released.Add(new ReservationReleased(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetDecimal(3),
                    reader.GetFieldValue<DateTimeOffset>(4), now));
        if (released.Count > 0)
        {
            await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
            foreach (var org in released.GroupBy(r => r.OrganizationId))
                session.Events.AppendAdmissionEvents(org.Key, org, now, _writerId);
            await session.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return released.Count;
    }

    /// <summary>Moves every kept day before today into the daily rows, once per UTC day per node.</summary>
    public async Task MoveOldDaysAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (today <= _daysMovedBefore) return;
        while (await ScopeMeters.MoveOldDaysAsync(dataSource, today, options.Value.ExpiryBatchSize, ct) == options.Value.ExpiryBatchSize) { }
        _daysMovedBefore = today;
    }

    private async Task PurgeAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var batch = dataSource.CreateBatch();
        // Two lifetimes: an expired reservation closes one lifetime after its admission, and a retry of its
        // request must still find it (409) for a lifetime more, not be admitted afresh.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"delete from {AdmissionTables.Admissions} where closed_at is not null and admitted_at < $1")
        { Parameters = { new NpgsqlParameter { Value = now - 2 * options.Value.ReservationTtl } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"delete from {ScopeMeterTables.RecentTokens} where second < $1")
        { Parameters = { new NpgsqlParameter { Value = now - ScopeMeterTables.RecentTokensKept } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing expired reservations failed; trying again at the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception e);
}
