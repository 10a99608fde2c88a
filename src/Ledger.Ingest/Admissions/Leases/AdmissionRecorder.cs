using Ledger.Domain.Admissions;
using Ledger.Ingest.GroupCommit;
using Ledger.Projections.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>One admission decided from leases, to be stored after its answer.</summary>
public sealed record LeasedAdmission(AdmissionRequest Request, AdmissionOutcome.Admitted Outcome, DateTimeOffset At, IReadOnlyList<Guid> Leases);

/// <summary>
/// Stores the admissions a node decided from its leases, after they were answered, in group
/// commits: each one's reservation row (so settlement and expiry close it as any other), its
/// <see cref="RequestAdmitted"/> event (into the outbox, as <see cref="AdmissionWriter"/> does) and
/// the estimated cost spent from each lease (what a lease left by a node that died gives back, see
/// <see cref="LeaseKeeper"/>). The scopes' windows and reserved totals are not touched: the lease
/// counted them when it was granted. A request stored already (a retry that reached another node)
/// keeps its first reservation and event.
/// </summary>
public sealed partial class AdmissionRecorder(
    [FromKeyedServices(AdmissionWriter.DataSourceKey)] NpgsqlDataSource dataSource, AdmissionEventPublisher events,
    IOptions<AdmissionOptions> options, ILogger<AdmissionRecorder> logger)
    : GroupCommitQueue<LeasedAdmission, bool>(1, options.Value.QueueCapacity * 4, options.Value.MaxAttempts, logger)
{
    private readonly ILogger _logger = logger;

    protected override int MaxWeightPerTransaction => options.Value.MaxRequestsPerTransaction * 4;

    protected override int WeightOf(LeasedAdmission item) => 1;

    protected override Exception Unavailable(Exception cause) => new AdmissionUnavailableException(cause);

    /// <summary>Queues the admission for storing; the answer does not wait for it.</summary>
    public void Record(LeasedAdmission admission) => _ = RecordAsync(admission);

    private async Task RecordAsync(LeasedAdmission admission)
    {
        try
        {
            await SubmitAsync(admission, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogNotRecorded(_logger, e, admission.Request.RequestId);
        }
    }

    protected override async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<LeasedAdmission> group, int lane)
    {
        var rows = group.Select(a => (a, Event: AdmissionEventPublisher.Serialize(new RequestAdmitted(
            a.Request.OrganizationId, a.Request.RequestId, a.Outcome.ReservationId, a.Request.KeyId, a.Request.TeamId, a.Request.EndUserId,
            a.Request.Model, a.Request.EstimatedInputTokens, a.Request.EstimatedCostUsd, a.At, a.Outcome.ExpiresAt)))).ToList();
        var spent = group.SelectMany(a => a.Leases.Select(l => (Lease: l, Cost: a.Request.EstimatedCostUsd)))
            .GroupBy(s => s.Lease).Select(g => (Lease: g.Key, Cost: g.Sum(s => s.Cost))).OrderBy(s => s.Lease).ToList();

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("begin"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"select set_config('synchronous_commit', '{(options.Value.SynchronousCommit ? "on" : "off")}', true)"));
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            with stored as (
                insert into {AdmissionTables.Admissions} (organization_id, request_id, reservation_id, end_user_id, key_id, team_id,
                    estimated_cost, admitted_at, expires_at)
                select o, q, v, u, k, t, c, a, e
                from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::timestamptz[], $9::timestamptz[])
                    as r(o, q, v, u, k, t, c, a, e)
                on conflict (organization_id, request_id) do nothing
                returning organization_id, request_id),
            published as (
                insert into {AdmissionTables.Outbox} (organization_id, type, body)
                select r.o, r.t, r.b from unnest($1::uuid[], $2::text[], $10::text[], $11::text[]) with ordinality r(o, q, t, b, n)
                join stored s on s.organization_id = r.o and s.request_id = r.q
                order by r.n)
            update {AdmissionTables.Leases} l set headroom_spent = l.headroom_spent + s.c
            from unnest($12::uuid[], $13::numeric[]) s(id, c) where l.lease_id = s.id
            """,
            rows.Select(r => r.a.Request.OrganizationId).ToArray(),
            rows.Select(r => r.a.Request.RequestId).ToArray(),
            rows.Select(r => r.a.Outcome.ReservationId).ToArray(),
            rows.Select(r => r.a.Request.EndUserId).ToArray(),
            rows.Select(r => r.a.Request.KeyId).ToArray(),
            rows.Select(r => r.a.Request.TeamId).ToArray(),
            rows.Select(r => r.a.Request.EstimatedCostUsd).ToArray(),
            rows.Select(r => r.a.At).ToArray(),
            rows.Select(r => r.a.Outcome.ExpiresAt).ToArray(),
            rows.Select(r => r.Event.Type).ToArray(),
            rows.Select(r => r.Event.Body).ToArray(),
            spent.Select(s => s.Lease).ToArray(),
            spent.Select(s => s.Cost).ToArray()));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("commit"));
        try
        {
            await batch.ExecuteNonQueryAsync();
        }
        catch when (connection.FullState == System.Data.ConnectionState.Open)
        {
            await using var rollback = new NpgsqlCommand("rollback", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }
        events.Notify();
        return [.. group.Select(_ => true)];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An admission decided from a lease could not be stored (request {RequestId}); its quota stays counted until the lease is reaped")]
    private static partial void LogNotRecorded(ILogger logger, Exception e, string requestId);
}
