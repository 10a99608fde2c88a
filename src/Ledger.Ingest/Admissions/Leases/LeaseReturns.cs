using System.Diagnostics;
using Npgsql;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// Waits for the nodes to give back their leases of some scopes, once those were revoked (a cap changed, or
/// settled usage reached one): <see cref="CapChangeNotices"/> and <see cref="CapCrossings"/> answer only then,
/// so that a request decided right after their answer, on any node, is decided without those leases: not from
/// one (no node admits past the new cap or the crossed budget), and not against quota a lease no longer uses.
/// A node gives its revoked leases back within milliseconds of the notification (<see cref="LeaseKeeper"/>);
/// a node that died, or whose notification connection is down, does not: the wait ends after <see cref="AtMost"/>
/// anyway. Only leases still in their term are waited for: an ended lease admits nothing, so once a dead node's
/// leases have ended (a term, 10 s by default) nothing waits for them, though their quota stays counted until they
/// are reaped (the scope admits less, never more, meanwhile).
/// </summary>
public static class LeaseReturns
{
    public static readonly TimeSpan AtMost = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Waits until every lease of <paramref name="scopes"/> held now is given back, or <see cref="AtMost"/> has passed.
    /// Never fails: what it waits after
    /// has committed, and if the database cannot be asked, the leases still end within their term.
    /// </summary>
    public static async Task WaitAsync(NpgsqlDataSource dataSource, IReadOnlyCollection<ScopeSelection> scopes, CancellationToken ct)
    {
        try
        {
            await WaitOrThrowAsync(dataSource, scopes, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Answered without waiting: the revoked leases end within their term regardless.
        }
    }

    private static async Task WaitOrThrowAsync(NpgsqlDataSource dataSource, IReadOnlyCollection<ScopeSelection> scopes, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        await using var held = dataSource.CreateCommand(
            $"""
            select coalesce(array_agg(l.lease_id), array[]::uuid[]) from {AdmissionTables.Leases} l
            join unnest($1::uuid[], $2::smallint[], $3::text[]) c(o, s, i) on l.organization_id = c.o and l.scope = c.s and (c.i is null or l.scope_id = c.i)
            where l.expires_at > now()
            """);
        held.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(c => c.OrganizationId).ToArray() });
        held.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(c => (short)c.Scope).ToArray() });
        held.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(c => c.Id).ToArray() });
        var ids = (Guid[])(await held.ExecuteScalarAsync(ct))!;
        if (ids.Length == 0) return;

        await using var left = dataSource.CreateCommand($"select exists (select 1 from {AdmissionTables.Leases} where lease_id = any($1))");
        left.Parameters.Add(new NpgsqlParameter { Value = ids });
        while (waited.Elapsed < AtMost && (bool)(await left.ExecuteScalarAsync(ct))!)
            await Task.Delay(Poll, ct);
    }
}
