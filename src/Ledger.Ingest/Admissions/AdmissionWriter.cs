using Ledger.Domain.Admissions;
using Ledger.Ingest.Meters;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Decides a group of admission requests in one transaction. It locks every scope the group
/// touches (a transaction-scoped advisory lock per scope, taken in one order), reads their caps
/// and usage, lets the pure <see cref="AdmissionBatch"/> decide, then stores the reservations, the
/// scopes' new state and the events, and commits. Admissions of one scope are thereby serialized
/// across lanes and nodes: each decides against everything admitted before it. Settled usage is
/// read, never locked (<see cref="ScopeMeters"/>), so settlement never waits for admission.
/// </summary>
public sealed class AdmissionWriter(
    IDocumentStore store, [FromKeyedServices(AdmissionWriter.DataSourceKey)] NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AdmissionOptions> options)
{
    /// <summary>The lanes' own connection pool (a keyed <see cref="NpgsqlDataSource"/>): see the host's store setup.</summary>
    public const string DataSourceKey = "admissions";

    /// <summary>Identifies this writer's segments, so no two writers (nodes) ever share a stream.</summary>
    private readonly string _writerId = Guid.NewGuid().ToString("N")[..8];

    public async Task<IReadOnlyList<AdmissionOutcome>> DecideAsync(IReadOnlyList<AdmissionRequest> group, int lane, CancellationToken ct)
    {
        var requests = group.DistinctBy(r => (r.OrganizationId, r.RequestId)).ToList();
        var scopes = requests.SelectMany(r => r.Scopes()).Distinct().ToList();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // `asked` bounds what is read (the token window, the budget periods); the decision's own time is taken once
        // the locks are held, so admissions of a scope are stamped in the order they were decided.
        var asked = ScopeStates.ToMicroseconds(clock.GetUtcNow());
        var (existing, loaded, now) = await LockAndLoadAsync(connection, tx, requests, scopes, asked, ct);
        var states = await ScopeStates.CompleteAsync(connection, tx, loaded, now, ct);

        var undecided = requests.Where(r => !existing.ContainsKey((r.OrganizationId, r.RequestId))).ToList();
        var result = AdmissionBatch.Decide(undecided, states.ToDictionary(s => s.Key, s => s.Value.State), now,
            options.Value.ReservationTtl, Guid.CreateVersion7);

        var outcomes = new Dictionary<(Guid, string), AdmissionOutcome>(existing);
        for (var i = 0; i < undecided.Count; i++) outcomes[(undecided[i].OrganizationId, undecided[i].RequestId)] = result.Outcomes[i];

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
        var admitted = undecided.Zip(result.Outcomes).Where(p => p.Second is AdmissionOutcome.Admitted)
            .Select(p => (Request: p.First, Outcome: (AdmissionOutcome.Admitted)p.Second)).ToList();
        if (admitted.Count > 0)
        {
            InsertReservations(session, admitted, now);
            SaveStates(session, states, result.States, admitted, now);
        }
        foreach (var org in result.Events.GroupBy(OrganizationOf))
            foreach (var (slice, index) in org.Chunk(AdmissionSegment.MaxEventsPerAppend).Select((s, i) => (s, i)))
                session.Events.Append(AdmissionSegment.Key(org.Key, now, _writerId, lane, index), slice);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return [.. group.Select(r => outcomes[(r.OrganizationId, r.RequestId)])];
    }

    private static Guid OrganizationOf(object e) => e switch
    {
        RequestAdmitted a => a.OrganizationId,
        RequestRejected r => r.OrganizationId,
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    /// <summary>
    /// One round trip: lock the scopes, then (each statement seeing what committed before it
    /// started, so after the locks) read the requests admitted already and the scopes' state.
    /// </summary>
    private async Task<(Dictionary<(Guid, string), AdmissionOutcome> Existing, Dictionary<ScopeKey, ScopeStates.Loaded> Scopes, DateTimeOffset Now)>
        LockAndLoadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<AdmissionRequest> requests, List<ScopeKey> scopes,
            DateTimeOffset asked, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
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
        return (existing, loaded, now);
    }

    private static void InsertReservations(IDocumentSession session, List<(AdmissionRequest Request, AdmissionOutcome.Admitted Outcome)> admitted, DateTimeOffset now) =>
        session.QueueSqlCommand(
            $"""
            insert into {AdmissionTables.Admissions} (organization_id, request_id, reservation_id, end_user_id, key_id, team_id,
                estimated_cost, admitted_at, expires_at)
            select o, q, v, u, k, t, c, ?, e from unnest(?::uuid[], ?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::numeric[], ?::timestamptz[])
                as r(o, q, v, u, k, t, c, e)
            """,
            now,
            admitted.Select(a => a.Request.OrganizationId).ToArray(),
            admitted.Select(a => a.Request.RequestId).ToArray(),
            admitted.Select(a => a.Outcome.ReservationId).ToArray(),
            admitted.Select(a => a.Request.EndUserId).ToArray(),
            admitted.Select(a => a.Request.KeyId).ToArray(),
            admitted.Select(a => a.Request.TeamId).ToArray(),
            admitted.Select(a => a.Request.EstimatedCostUsd).ToArray(),
            admitted.Select(a => a.Outcome.ExpiresAt).ToArray());

    /// <summary>Writes back the window and the reserved total of every scope an admission changed.</summary>
    private static void SaveStates(
        IDocumentSession session, Dictionary<ScopeKey, ScopeStates.Loaded> loaded, IReadOnlyDictionary<ScopeKey, ScopeState> after,
        List<(AdmissionRequest Request, AdmissionOutcome.Admitted Outcome)> admitted, DateTimeOffset now)
    {
        var changed = admitted.SelectMany(a => a.Request.Scopes()).Distinct()
            .OrderBy(s => s.OrganizationId).ThenBy(s => s.Scope).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        session.QueueSqlCommand(
            $"""
            insert into {AdmissionTables.State} as s (organization_id, scope, scope_id, admissions, reserved)
            select * from unnest(?::uuid[], ?::smallint[], ?::text[], ?::bytea[], ?::numeric[])
            on conflict (organization_id, scope, scope_id) do update set admissions = excluded.admissions, reserved = excluded.reserved
            """,
            changed.Select(s => s.OrganizationId).ToArray(),
            changed.Select(s => (short)s.Scope).ToArray(),
            changed.Select(s => s.Id).ToArray(),
            changed.Select(s => WindowCodec.Encode(SlidingWindow.Compact(after[s].Usage.Admissions, now))).ToArray(),
            // Open reservations are what was ever reserved minus what was released; store the former.
            changed.Select(s => after[s].Usage.Reserved + loaded[s].Released).ToArray());
    }
}
