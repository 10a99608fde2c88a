using Ledger.Domain.Admissions;
using Ledger.Domain.Usage;
using Ledger.Ingest.Admissions;
using Ledger.Projections.ConsumerOverrides;
using Ledger.Projections.ScopeLimits;
using Npgsql;

namespace Ledger.Ingest.Meters;

/// <summary>
/// Keeps <see cref="ScopeMeterTables"/> in step with the usage write path: one statement per
/// transaction closes the reservations that the new usage settles and adds the usage's spend
/// and tokens to the scopes it belongs to. Rows are upserted in key order, so concurrent
/// transactions take their row locks in the same order. Two things are left out, because each
/// row costs the write path about as much as the usage event itself: a consumer's lifetime spend
/// (its <c>consumers</c> row, written in the same transaction, already holds it), and the tokens
/// of scopes without a tpm cap (their own, or for a consumer the organization's default). A tpm
/// cap therefore counts the tokens settled while it is set: for the first minute after it is
/// set, it may let through up to a minute's tokens more.
/// </summary>
public static class ScopeMeters
{
    /// <summary>
    /// SQL for a CTE named <c>lifetime</c> that adds to each scope's lifetime row the spend of the
    /// rows in <paramref name="spent"/> (columns organization_id, scope, scope_id, cost), if any,
    /// and the estimated cost of the reservations closed in CTE <paramref name="closed"/>
    /// (columns organization_id, end_user_id, key_id, team_id, estimated_cost). One insert, since
    /// a statement may change a row only once; rows in <see cref="LockOrder"/>.
    /// </summary>
    public static string LifetimeCte(string? spent, string closed) =>
        $"""
        lifetime as (
            insert into {ScopeMeterTables.Spend} as m (organization_id, scope, scope_id, spend, released)
            select organization_id, scope, scope_id, sum(spend), sum(released) from (
                {(spent is null ? "" : $"select organization_id, scope, scope_id, cost spend, 0::numeric released from {spent} union all")}
                select organization_id, 0::smallint scope, end_user_id scope_id, 0::numeric spend, estimated_cost released from {closed} where end_user_id is not null
                union all select organization_id, 1::smallint, key_id, 0, estimated_cost from {closed}
                union all select organization_id, 2::smallint, team_id, 0, estimated_cost from {closed} where team_id is not null) d
            group by organization_id, scope, scope_id order by {LockOrder}
            on conflict (organization_id, scope, scope_id) do update set spend = m.spend + excluded.spend, released = m.released + excluded.released)
        """;

    /// <summary>
    /// The one order in which every writer of the meter tables upserts rows, so two transactions
    /// never wait for each other's row locks in a circle. Bytewise ("C") on the id: as consistent
    /// as any collation, and far cheaper to sort.
    /// </summary>
    private const string LockOrder = """organization_id, scope, scope_id collate "C" """;

    /// <summary>
    /// The statement for a transaction's fresh usage. Spend and tokens are summed per scope (and
    /// day) here, in memory, so the statement upserts each row once without sorting thousands of
    /// usage rows first.
    /// </summary>
    public static NpgsqlCommand SettleCommand(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<UsageSettled> fresh, DateTimeOffset now)
    {
        var byScopeAndDay = fresh
            .SelectMany(u => ScopeKey.Of(u.OrganizationId, u.EndUserId, u.KeyId, u.TeamId)
                .Select(s => (Scope: s, Day: DateOnly.FromDateTime(u.OccurredAt.UtcDateTime), Cost: u.Cost(), Tokens: u.InputTokens + u.OutputTokens)))
            .GroupBy(r => (r.Scope, r.Day))
            .Select(g => (g.Key.Scope, g.Key.Day, Spend: g.Sum(r => r.Cost), Tokens: g.Sum(r => r.Tokens)))
            .ToList();
        var byScope = byScopeAndDay.GroupBy(r => r.Scope)
            .Select(g => (Scope: g.Key, Spend: g.Sum(r => r.Spend), Tokens: g.Sum(r => r.Tokens))).ToList();
        // A consumer's lifetime spend is its consumers row's total: only keys and teams need theirs here.
        var shared = byScope.Where(r => r.Scope.Scope is not CapScope.Consumer).ToList();
        var tokens = byScope.Where(r => r.Tokens > 0).ToList();

        var command = new NpgsqlCommand(
            $"""
            with closed as (
                update {AdmissionTables.Admissions} a set closed_at = $3
                from unnest($1::uuid[], $2::text[]) u(organization_id, request_id)
                where a.organization_id = u.organization_id and a.request_id = u.request_id and a.closed_at is null
                returning a.organization_id, a.end_user_id, a.key_id, a.team_id, a.estimated_cost),
            spent as (
                select * from unnest($4::uuid[], $5::smallint[], $6::text[], $7::numeric[]) s(organization_id, scope, scope_id, cost)),
            {LifetimeCte("spent", "closed")},
            daily as (
                insert into {ScopeMeterTables.DailySpend} as m (organization_id, scope, scope_id, day, spend)
                select * from unnest($8::uuid[], $9::smallint[], $10::text[], $11::date[], $12::numeric[]) d(organization_id, scope, scope_id, day, spend)
                order by {LockOrder}, day
                on conflict (organization_id, scope, scope_id, day) do update set spend = m.spend + excluded.spend),
            recent as (
                insert into {ScopeMeterTables.RecentTokens} as m (organization_id, scope, scope_id, second, tokens)
                select organization_id, scope, scope_id, date_trunc('second', $3), tokens
                from unnest($13::uuid[], $14::smallint[], $15::text[], $16::bigint[]) t(organization_id, scope, scope_id, tokens)
                -- The scope's own tpm cap, or for a consumer its override's or the organization's default ('' in scope_limits).
                where exists (select 1 from {ScopeLimitsTable.Name} l where l.tpm_limit is not null and l.organization_id = t.organization_id
                                  and (l.scope, l.scope_id) in ((t.scope, t.scope_id), (case when t.scope = 0 then 0::smallint end, '')))
                    or t.scope = 0 and exists (select 1 from {ConsumerOverridesTable.Name} o
                                  where o.tpm_limit is not null and o.organization_id = t.organization_id and o.end_user_id = t.scope_id)
                order by {LockOrder}
                on conflict (organization_id, scope, scope_id, second) do update set tokens = m.tokens + excluded.tokens)
            select 1
            """, connection, tx);
        void Add(object value) => command.Parameters.Add(new NpgsqlParameter { Value = value });
        Add(fresh.Select(u => u.OrganizationId).ToArray());
        Add(fresh.Select(u => u.RequestId).ToArray());
        Add(now);
        ScopeStates.AddKeys(command.Parameters, [.. shared.Select(r => r.Scope)]);
        Add(shared.Select(r => r.Spend).ToArray());
        ScopeStates.AddKeys(command.Parameters, [.. byScopeAndDay.Select(r => r.Scope)]);
        Add(byScopeAndDay.Select(r => r.Day).ToArray());
        Add(byScopeAndDay.Select(r => r.Spend).ToArray());
        ScopeStates.AddKeys(command.Parameters, [.. tokens.Select(r => r.Scope)]);
        Add(tokens.Select(r => r.Tokens).ToArray());
        return command;
    }
}
