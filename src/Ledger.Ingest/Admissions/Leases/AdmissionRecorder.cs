using System.Collections.Concurrent;
using Ledger.Domain.Admissions;
using Ledger.Ingest.GroupCommit;
using Ledger.Projections.Storage;
using Marten;
using Marten.Services;
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
/// <see cref="RequestAdmitted"/> event (appended to the event store in the same transaction: there is
/// no lock to keep short here, so no outbox) and the estimated cost spent from each lease (what a
/// lease left by a node that died gives back, see <see cref="LeaseKeeper"/>). The scopes' windows and
/// reserved totals are not touched: the lease counted them when it was granted. A request stored
/// already (a retry that reached another node) keeps its first reservation and event. The queue is
/// bounded: when storing falls behind, answers wait for room in it, so a node never runs ahead of
/// its database by more than <see cref="AdmissionOptions.QueueCapacity"/> admissions.
/// </summary>
public sealed partial class AdmissionRecorder(
    [FromKeyedServices(AdmissionWriter.DataSourceKey)] NpgsqlDataSource dataSource, IDocumentStore store, TimeProvider clock,
    IOptions<AdmissionOptions> options, ILogger<AdmissionRecorder> logger)
    : GroupCommitQueue<LeasedAdmission, bool>(1, options.Value.QueueCapacity, options.Value.MaxAttempts, logger)
{
    private readonly ILogger _logger = logger;
    private readonly string _writerId = "leased-" + Guid.NewGuid().ToString("N")[..8];

    protected override int MaxWeightPerTransaction => options.Value.EventPublishBatchSize;

    protected override int WeightOf(LeasedAdmission item) => 1;

    protected override Exception Unavailable(Exception cause) => new AdmissionUnavailableException(cause);

    private readonly ConcurrentDictionary<(Guid, string), Task> _storing = new();

    /// <summary>Queues the admission for storing; waits only while the queue is full, never for the commit.</summary>
    public async ValueTask RecordAsync(LeasedAdmission admission)
    {
        var stored = await EnqueueAsync(admission, CancellationToken.None);
        var key = (admission.Request.OrganizationId, admission.Request.RequestId);
        _storing[key] = stored;
        _ = ForgetWhenStoredAsync(key, stored);
    }

    /// <summary>
    /// Waits until the admissions of these requests that this node decided from a lease are stored. Their usage settles
    /// after that, so settlement finds each reservation to close: a gateway may report usage within milliseconds of
    /// the admission, sooner than the recorder's next commit.
    /// </summary>
    public async Task StoredAsync(Guid organization, IEnumerable<string> requestIds)
    {
        foreach (var id in requestIds)
            if (_storing.TryGetValue((organization, id), out var stored))
                await stored.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ForgetWhenStoredAsync((Guid, string) key, Task<bool> stored)
    {
        try
        {
            await stored;
        }
        catch (Exception e)
        {
            LogNotRecorded(_logger, e, key.Item2);
        }
        _storing.TryRemove(key, out _);
    }

    protected override async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<LeasedAdmission> group, int lane)
    {
        var spent = group.SelectMany(a => a.Leases.Select(l => (Lease: l, Cost: a.Request.EstimatedCostUsd)))
            .GroupBy(s => s.Lease).Select(g => (Lease: g.Key, Cost: g.Sum(s => s.Cost))).OrderBy(s => s.Lease).ToList();

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var stored = new HashSet<(Guid, string)>();
        await using (var batch = new NpgsqlBatch(connection, tx))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"select set_config('synchronous_commit', '{(options.Value.SynchronousCommit ? "on" : "off")}', true)"));
            batch.BatchCommands.Add(AdmissionWriter.InsertReservations([.. group.Select(a => (a.Request, a.Outcome, a.At))]));
            batch.BatchCommands.Add(SqlBatch.Command(
                $"""
                with locked as (select lease_id from {AdmissionTables.Leases} where lease_id = any($1) order by lease_id for update)
                update {AdmissionTables.Leases} l set headroom_spent = l.headroom_spent + s.c
                from unnest($1::uuid[], $2::numeric[]) s(id, c) join locked on locked.lease_id = s.id where l.lease_id = s.id
                """,
                spent.Select(s => s.Lease).ToArray(),
                spent.Select(s => s.Cost).ToArray()));
            await using var reader = await batch.ExecuteReaderAsync();
            await reader.NextResultAsync(); // past set_config
            while (await reader.ReadAsync()) stored.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        if (stored.Count > 0)
        {
            await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
            var now = clock.GetUtcNow();
            foreach (var org in group.Where(a => stored.Contains((a.Request.OrganizationId, a.Request.RequestId))).GroupBy(a => a.Request.OrganizationId))
                session.Events.AppendAdmissionEvents(org.Key, org.Select(a => (object)new RequestAdmitted(
                    a.Request.OrganizationId, a.Request.RequestId, a.Outcome.ReservationId, a.Request.KeyId, a.Request.TeamId, a.Request.EndUserId,
                    a.Request.Model, a.Request.EstimatedInputTokens, a.Request.EstimatedCostUsd, a.At, a.Outcome.ExpiresAt)), now, _writerId);
            await session.SaveChangesAsync();
        }
        await tx.CommitAsync();
        return [.. group.Select(_ => true)];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An admission decided from a lease could not be stored (request {RequestId}); its quota stays counted until the lease is reaped")]
    private static partial void LogNotRecorded(ILogger logger, Exception e, string requestId);
}
