using Ledger.Domain.Admissions;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Ingest.Admissions;

/// <summary>The statements an admission transaction writes with (<see cref="AdmissionWriter"/>, <see cref="Leases.AdmissionRecorder"/>).</summary>
internal static class AdmissionStatements
{
    /// <summary>The lease rows of the leases granted to <paramref name="node"/>.</summary>
    internal static NpgsqlBatchCommand InsertLeases(List<ScopeLease> granted, string node) =>
        SqlBatch.Command(
            $"""
            insert into {AdmissionTables.Leases} (lease_id, organization_id, scope, scope_id, node, slots, headroom, window_at, expires_at)
            select * from unnest($1::uuid[], $2::uuid[], $3::smallint[], $4::text[], $5::text[], $6::bigint[], $7::numeric[], $8::timestamptz[], $8::timestamptz[])
            """,
            granted.Select(l => l.Id).ToArray(),
            granted.Select(l => l.Scope.OrganizationId).ToArray(),
            granted.Select(l => (short)l.Scope.Scope).ToArray(),
            granted.Select(l => l.Scope.Id).ToArray(),
            granted.Select(_ => node).ToArray(),
            granted.Select(l => l.SlotsGranted).ToArray(),
            granted.Select(l => l.HeadroomGranted).ToArray(),
            granted.Select(l => l.ExpiresAt).ToArray());

    /// <summary>
    /// Stores admissions' reservation rows, admitted at <c>At</c>, and returns the (organization, request id) of each row
    /// stored: a request stored already (a retry that reached another node) keeps its first row. Used by decisions in the
    /// database (<see cref="AdmissionWriter"/>) and by admissions decided from leases (<see cref="Leases.AdmissionRecorder"/>).
    /// </summary>
    internal static NpgsqlBatchCommand InsertReservations(IReadOnlyList<(AdmissionRequest Request, AdmissionOutcome.Admitted Outcome, DateTimeOffset At)> admitted) =>
        SqlBatch.Command(
            $"""
            insert into {AdmissionTables.Admissions} (organization_id, request_id, reservation_id, end_user_id, key_id, team_id,
                estimated_cost, admitted_at, expires_at)
            select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::timestamptz[], $9::timestamptz[])
            on conflict (organization_id, request_id) do nothing
            returning organization_id, request_id
            """,
            admitted.Select(a => a.Request.OrganizationId).ToArray(),
            admitted.Select(a => a.Request.RequestId).ToArray(),
            admitted.Select(a => a.Outcome.ReservationId).ToArray(),
            admitted.Select(a => a.Request.EndUserId).ToArray(),
            admitted.Select(a => a.Request.KeyId).ToArray(),
            admitted.Select(a => a.Request.TeamId).ToArray(),
            admitted.Select(a => a.Request.EstimatedCostUsd).ToArray(),
            admitted.Select(a => a.At).ToArray(),
            admitted.Select(a => a.Outcome.ExpiresAt).ToArray());

    /// <summary>Writes back the window and the reserved total of every scope an admission or a lease changed.</summary>
    internal static NpgsqlBatchCommand SaveStates(
        Dictionary<ScopeKey, ScopeStates.Loaded> loaded, IReadOnlyDictionary<ScopeKey, ScopeState> after, List<ScopeKey> changed, DateTimeOffset now)
    {
        changed = [.. changed.OrderBy(s => s.OrganizationId).ThenBy(s => s.Scope).ThenBy(s => s.Id, StringComparer.Ordinal)];
        return SqlBatch.Command(
            $"""
            insert into {AdmissionTables.State} as s (organization_id, scope, scope_id, admissions, reserved)
            select * from unnest($1::uuid[], $2::smallint[], $3::text[], $4::bytea[], $5::numeric[])
            on conflict (organization_id, scope, scope_id) do update set admissions = excluded.admissions, reserved = excluded.reserved
            """,
            changed.Select(s => s.OrganizationId).ToArray(),
            changed.Select(s => (short)s.Scope).ToArray(),
            changed.Select(s => s.Id).ToArray(),
            changed.Select(s => WindowCodec.Encode(SlidingWindow.Compact(after[s].Usage.Admissions, now))).ToArray(),
            // Open reservations are what was ever reserved minus what was released; store the former.
            changed.Select(s => after[s].Usage.Reserved + loaded[s].Released).ToArray());
    }

    /// <summary>The group's events, in decision order, for the publisher.</summary>
    internal static NpgsqlBatchCommand InsertEvents(IReadOnlyList<object> events)
    {
        var rows = events.Select(e => (Organization: OrganizationOf(e), Row: AdmissionEventPublisher.Serialize(e))).ToList();
        return SqlBatch.Command(
            $"insert into {AdmissionTables.Outbox} (organization_id, type, body) select * from unnest($1::uuid[], $2::text[], $3::text[])",
            rows.Select(r => r.Organization).ToArray(), rows.Select(r => r.Row.Type).ToArray(), rows.Select(r => r.Row.Body).ToArray());
    }

    private static Guid OrganizationOf(object e) => e switch
    {
        RequestAdmitted a => a.OrganizationId,
        RequestRejected r => r.OrganizationId,
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };
}
