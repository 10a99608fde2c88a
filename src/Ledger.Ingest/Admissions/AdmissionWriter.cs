using Ledger.Domain.Admissions;
using Ledger.Ingest.Admissions.Meters;
using Ledger.Projections.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Decides a group of admission requests in one transaction of two round trips. The first begins
/// it, locks every scope the group touches (a transaction-scoped advisory lock per scope, taken in
/// one order) and reads their caps and usage; the pure <see cref="AdmissionBatch"/> decides; the
/// second stores the reservations, the scopes' new state and the events (into the outbox, see
/// <see cref="AdmissionEventPublisher"/>) and commits, releasing the locks as soon as PostgreSQL
/// has run it. Admissions of one scope are thereby serialized across lanes and nodes: each
/// decides against everything admitted before it. Settled usage is read, never locked
/// (<see cref="ScopeMeters"/>), so settlement never waits for admission.
/// </summary>
public sealed class AdmissionWriter(
    [FromKeyedServices(AdmissionWriter.DataSourceKey)] NpgsqlDataSource dataSource, AdmissionEventPublisher events,
    TimeProvider clock, IOptions<AdmissionOptions> options)
{
    /// <summary>The lanes' own connection pool (a keyed <see cref="NpgsqlDataSource"/>): see the host's store setup.</summary>
    public const string DataSourceKey = "admissions";

    /// <summary>What the node gives back and asks for in a decision's transaction (see <see cref="Leases.NodeLeases"/>).</summary>
    public sealed record LeaseWork(IReadOnlyList<ScopeLease> Returning, IReadOnlyDictionary<ScopeKey, LeaseGrant.Demand> Wanted, string Node)
    {
        public static readonly LeaseWork None = new([], new Dictionary<ScopeKey, LeaseGrant.Demand>(), "");
    }

    public sealed record Decided(IReadOnlyList<AdmissionOutcome> Outcomes, IReadOnlyList<ScopeLease> Granted);

    public async Task<IReadOnlyList<AdmissionOutcome>> DecideAsync(IReadOnlyList<AdmissionRequest> group, CancellationToken ct) =>
        (await DecideAsync(group, LeaseWork.None, ct)).Outcomes;

    /// <summary>
    /// As the overload below, for this node's book of leases <paramref name="node"/>: once committed, the leases given back
    /// leave it and those granted are put in use, unless a revocation that reached the node meanwhile names their scope
    /// (the <see cref="Leases.NodeLeases.Generation"/> is noted before the transaction reads any cap).
    /// </summary>
    public async Task<Decided> DecideAsync(IReadOnlyList<AdmissionRequest> group, LeaseWork leases, Leases.NodeLeases node, CancellationToken ct)
    {
        var since = node.Generation;
        var decided = await DecideAsync(group, leases, ct);
        node.Returned(leases.Returning);
        node.Install(decided.Granted, since);
        return decided;
    }

    /// <summary>
    /// Decides the group and, in the same transaction, takes back the node's <see cref="LeaseWork.Returning"/> leases
    /// (what they did not spend) and grants it new leases of the scopes it wants, sized by <see cref="LeaseGrant"/>
    /// from each scope's state after the group's admissions.
    /// </summary>
    public async Task<Decided> DecideAsync(IReadOnlyList<AdmissionRequest> group, LeaseWork leases, CancellationToken ct)
    {
        var requests = group.DistinctBy(r => (r.OrganizationId, r.RequestId)).ToList();
        var scopes = requests.SelectMany(r => r.Scopes()).Concat(leases.Returning.Select(l => l.Scope)).Concat(leases.Wanted.Keys)
            .Distinct().ToList();
        if (scopes.Count == 0) return new Decided([], []);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            // `asked` bounds what is read (the token window, the budget periods); the decision's own time is taken once
            // the locks are held, so admissions of a scope are stamped in the order they were decided.
            var asked = ScopeStates.ToMicroseconds(clock.GetUtcNow());
            var (existing, loaded, returned, now) = await LockAndLoadAsync(connection, requests, scopes, leases.Returning, asked, ct);
            var states = await ScopeStates.CompleteAsync(connection, loaded, now, ct);
            var before = states.ToDictionary(s => s.Key, s => s.Value.State);
            // Only leases whose row this transaction deleted: one reaped meanwhile (LeaseKeeper) was given back already.
            // Their headroom as the row recorded it: a request the node admitted and never stored (a retry stored by
            // another node) holds none, as no reservation of it will be released.
            foreach (var lease in leases.Returning)
                if (returned.TryGetValue(lease.Id, out var headroom))
                    before[lease.Scope] = before[lease.Scope] with
                    {
                        Usage = LeaseGrant.Returning(before[lease.Scope].Usage, lease.UnspentSlots, headroom, lease.WindowAt),
                    };

            var undecided = requests.Where(r => !existing.ContainsKey((r.OrganizationId, r.RequestId))).ToList();
            var result = AdmissionBatch.Decide(undecided, before, now, options.Value.ReservationTtl, Guid.CreateVersion7);

            var outcomes = new Dictionary<(Guid, string), AdmissionOutcome>(existing);
            for (var i = 0; i < undecided.Count; i++) outcomes[(undecided[i].OrganizationId, undecided[i].RequestId)] = result.Outcomes[i];

            var after = new Dictionary<ScopeKey, ScopeState>(result.States);
            var granted = Grant(leases, after, now);
            var admitted = undecided.Zip(result.Outcomes).Where(p => p.Second is AdmissionOutcome.Admitted)
                .Select(p => (Request: p.First, Outcome: (AdmissionOutcome.Admitted)p.Second)).ToList();
            var changed = admitted.SelectMany(a => a.Request.Scopes())
                .Concat(leases.Returning.Select(l => l.Scope)).Concat(granted.Select(l => l.Scope)).Distinct().ToList();
            await using var batch = new NpgsqlBatch(connection);
            if (admitted.Count > 0) batch.BatchCommands.Add(AdmissionStatements.InsertReservations([.. admitted.Select(a => (a.Request, a.Outcome, now))]));
            if (changed.Count > 0) batch.BatchCommands.Add(AdmissionStatements.SaveStates(states, after, changed, now));
            if (granted.Count > 0) batch.BatchCommands.Add(AdmissionStatements.InsertLeases(granted, leases.Node));
            if (result.Events.Count > 0) batch.BatchCommands.Add(AdmissionStatements.InsertEvents(result.Events));
            // In the same round trip: the locks are released as soon as PostgreSQL has run the writes.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("commit"));
            await batch.ExecuteNonQueryAsync(ct);
            if (result.Events.Count > 0) events.Notify();
            return new Decided([.. group.Select(r => outcomes[(r.OrganizationId, r.RequestId)])], granted);
        }
        catch when (connection.FullState == System.Data.ConnectionState.Open)
        {
            // The transaction is plain SQL, so end it here: the pooled connection must not go back inside it.
            await using var rollback = new NpgsqlCommand("rollback", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>New leases of the wanted scopes, folded into their states.</summary>
    private List<ScopeLease> Grant(LeaseWork leases, Dictionary<ScopeKey, ScopeState> states, DateTimeOffset now)
    {
        var term = options.Value.LeaseTerm;
        var granted = new List<ScopeLease>();
        foreach (var (scope, demand) in leases.Wanted)
        {
            if (LeaseGrant.Size(states[scope], demand, now, term) is not var (slots, headroom)) continue;
            var end = now + term;
            states[scope] = states[scope] with { Usage = LeaseGrant.Granting(states[scope].Usage, slots, headroom, end) };
            granted.Add(new ScopeLease(Guid.CreateVersion7(), scope, slots, headroom, slots, headroom, end, end));
        }
        return granted;
    }

    /// <summary>
    /// One round trip: begin, lock the scopes, then (each statement seeing what committed before
    /// it started, so after the locks) read the requests admitted already and the scopes' state.
    /// </summary>
    private async Task<(Dictionary<(Guid, string), AdmissionOutcome> Existing, Dictionary<ScopeKey, ScopeStates.Loaded> Scopes, Dictionary<Guid, decimal> Returned, DateTimeOffset Now)>
        LockAndLoadAsync(NpgsqlConnection connection, List<AdmissionRequest> requests, List<ScopeKey> scopes, IReadOnlyList<ScopeLease> returning,
            DateTimeOffset asked, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("begin isolation level read committed"));
        // See AdmissionOptions.SynchronousCommit: the commit need not wait for the WAL flush.
        // The statements below are prepared; planning them anew for each parameter set cost more than running them
        // (the scope read joins seven relations). Their plans do not depend on the values, so one generic plan serves.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"select set_config('synchronous_commit', '{(options.Value.SynchronousCommit ? "on" : "off")}', true), " +
            "set_config('plan_cache_mode', 'force_generic_plan', true)"));
        // Sorted by the lock key itself, so two transactions always take shared locks in the same order.
        var lockSql = new NpgsqlBatchCommand(
            "select pg_advisory_xact_lock(k) from (select distinct hashtextextended(s, 0) k from unnest($1::text[]) s order by k) l");
        lockSql.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => $"admission:{s.OrganizationId:N}:{(int)s.Scope}:{s.Id}").ToArray() });
        batch.BatchCommands.Add(lockSql);

        var existingSql = new NpgsqlBatchCommand(
            $"""
            select a.organization_id, a.request_id, a.reservation_id, a.expires_at, a.closed_at is not null from {AdmissionTables.Admissions} a
            join unnest($1::uuid[], $2::text[]) r(o, q) on a.organization_id = r.o and a.request_id = r.q
            """);
        existingSql.Parameters.Add(new NpgsqlParameter { Value = requests.Select(r => r.OrganizationId).ToArray() });
        existingSql.Parameters.Add(new NpgsqlParameter { Value = requests.Select(r => r.RequestId).ToArray() });
        batch.BatchCommands.Add(existingSql);
        batch.BatchCommands.Add(ScopeStates.LoadCommand(scopes, asked));
        // Lease rows are locked in id order here and in the recorder (AdmissionRecorder), so the two never deadlock.
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            delete from {AdmissionTables.Leases} l
            using (select lease_id from {AdmissionTables.Leases} where lease_id = any($1) order by lease_id for update) locked
            where l.lease_id = locked.lease_id returning l.lease_id, coalesce(l.headroom - l.headroom_spent, 0)
            """,
            returning.Select(l => l.Id).ToArray()));

        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) { }
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) { }
        // The locks are held from here on.
        var now = ScopeStates.ToMicroseconds(clock.GetUtcNow());
        await reader.NextResultAsync(ct);
        var existing = new Dictionary<(Guid, string), AdmissionOutcome>();
        while (await reader.ReadAsync(ct))
            existing[(reader.GetGuid(0), reader.GetString(1))] = reader.GetBoolean(4)
                ? new AdmissionOutcome.Closed()
                : new AdmissionOutcome.Admitted(reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3));
        await reader.NextResultAsync(ct);
        var loaded = await ScopeStates.ReadAsync(reader, scopes, asked, now, ct);
        await reader.NextResultAsync(ct);
        var returned = new Dictionary<Guid, decimal>();
        while (await reader.ReadAsync(ct)) returned[reader.GetGuid(0)] = reader.GetDecimal(1);
        return (existing, loaded, returned, now);
    }
}
