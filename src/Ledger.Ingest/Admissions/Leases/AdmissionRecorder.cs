using System.Collections.Concurrent;
using Ledger.Domain.Admissions;
using Ledger.Ingest.GroupCommit;
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
/// no lock to keep short here, so no outbox) and the estimated cost spent from each lease: a lease
/// gives back its headroom less that, whether its node returns it (only once every admission spent
/// from it is stored or failed, see <see cref="NodeLeases.Stored"/>) or, after the node died, the reaper
/// does (<see cref="LeaseKeeper"/>). The scopes' windows and
/// reserved totals are not touched: the lease counted them when it was granted. A request stored
/// already (a retry that reached another node) keeps its first reservation and event. The queue is
/// bounded: when storing falls behind, answers wait for room in it, so a node never runs ahead of
/// its database by more than <see cref="AdmissionOptions.QueueCapacity"/> admissions.
/// </summary>
public sealed partial class AdmissionRecorder(
    [FromKeyedServices(AdmissionWriter.DataSourceKey)] NpgsqlDataSource dataSource, IDocumentStore store, NodeLeases leases, TimeProvider clock,
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
        Task<bool> stored;
        try
        {
            stored = await EnqueueAsync(admission, CancellationToken.None);
        }
        catch
        {
            leases.Stored(admission.Leases); // never to be stored: the node is stopping
            throw;
        }
        var key = (admission.Request.OrganizationId, admission.Request.RequestId);
        _storing[key] = stored;
        _ = ForgetWhenStoredAsync(key, admission, stored);
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

    /// <summary>
    /// Once the admission is stored, or failed to be (it holds no quota then: no reservation of it will be released),
    /// the leases it spent from may be given back.
    /// </summary>
    private async Task ForgetWhenStoredAsync((Guid, string) key, LeasedAdmission admission, Task<bool> stored)
    {
        try
        {
            await stored;
        }
        catch (Exception e)
        {
            LogNotRecorded(_logger, e, key.Item2);
        }
        leases.Stored(admission.Leases);
        _storing.TryRemove(key, out _);
    }

    protected override async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<LeasedAdmission> group, int lane)
    {
        // The estimated cost spent from each lease, per admission: counted where this transaction stores the admission.
        var spent = group.SelectMany(a => a.Leases.Select(l => (Admission: a, Lease: l))).ToList();

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var stored = new HashSet<(Guid, string)>();
        await using (var batch = new NpgsqlBatch(connection, tx))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"select set_config('synchronous_commit', '{(options.Value.SynchronousCommit ? "on" : "off")}', true)"));
            batch.BatchCommands.Add(AdmissionStatements.InsertReservations([.. group.Select(a => (a.Request, a.Outcome, a.At))]));
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
            // Last in the session's batch, so the leases' rows stay locked only until the commit that follows: a decision
            // in the database that gives back or renews one of these leases waits for no event append.
            // It sees the rows the first batch inserted: a request stored already (a retry that reached another node)
            // keeps its first row, whose reservation id is not this one, and spends nothing from this node's leases.
            session.QueueSqlCommand(
                $"""
                with spent as (
                    select s.lease, sum(s.cost) c
                    from unnest(?::uuid[], ?::text[], ?::uuid[], ?::uuid[], ?::numeric[]) s(o, q, reservation, lease, cost)
                    join {AdmissionTables.Admissions} a on a.organization_id = s.o and a.request_id = s.q and a.reservation_id = s.reservation
                    group by s.lease),
                locked as (select lease_id from {AdmissionTables.Leases} where lease_id in (select lease from spent) order by lease_id for update)
                update {AdmissionTables.Leases} l set headroom_spent = l.headroom_spent + spent.c
                from spent join locked on locked.lease_id = spent.lease where l.lease_id = spent.lease
                """,
                spent.Select(s => s.Admission.Request.OrganizationId).ToArray(),
                spent.Select(s => s.Admission.Request.RequestId).ToArray(),
                spent.Select(s => s.Admission.Outcome.ReservationId).ToArray(),
                spent.Select(s => s.Lease).ToArray(),
                spent.Select(s => s.Admission.Request.EstimatedCostUsd).ToArray());
            await session.SaveChangesAsync();
        }
        await tx.CommitAsync();
        return [.. group.Select(_ => true)];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An admission decided from a lease could not be stored (request {RequestId}); its lease gives its quota back")]
    private static partial void LogNotRecorded(ILogger logger, Exception e, string requestId);
}
