using Ledger.Domain.Usage;
using Ledger.Ingest.Admissions;
using Npgsql;

namespace Ledger.Ingest.Meters;

/// <summary>
/// Keeps <see cref="ScopeMeterTables"/> in step with the usage write path: one statement per
/// transaction closes the reservations that the new usage settles and adds the usage's spend
/// and tokens to every scope it belongs to. Rows are upserted in key order, so concurrent
/// transactions take their row locks in the same order.
/// </summary>
public static class ScopeMeters
{
    /// <summary>
    /// SQL for a CTE named <c>lifetime</c> that adds to each scope's lifetime row the spend of the
    /// usage rows in CTE <paramref name="spent"/> (columns organization_id, scope, scope_id, cost),
    /// if any, and the estimated cost of the reservations closed in CTE <paramref name="closed"/>
    /// (columns organization_id, end_user_id, key_id, team_id, estimated_cost). One insert, since
    /// a statement may change a row only once.
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
            group by 1, 2, 3 order by 1, 2, 3
            on conflict (organization_id, scope, scope_id) do update set spend = m.spend + excluded.spend, released = m.released + excluded.released)
        """;

    public static NpgsqlCommand SettleCommand(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<UsageSettled> fresh, DateTimeOffset now)
    {
        var command = new NpgsqlCommand(
            $"""
            with u as (
                select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::bigint[], $8::date[])
                    as u(organization_id, request_id, end_user_id, key_id, team_id, cost, tokens, day)),
            closed as (
                update {AdmissionTables.Admissions} a set closed_at = $9 from u
                where a.organization_id = u.organization_id and a.request_id = u.request_id and a.closed_at is null
                returning a.organization_id, a.end_user_id, a.key_id, a.team_id, a.estimated_cost),
            spent as (
                select organization_id, 0::smallint scope, end_user_id scope_id, cost, tokens, day from u where end_user_id is not null
                union all select organization_id, 1::smallint, key_id, cost, tokens, day from u
                union all select organization_id, 2::smallint, team_id, cost, tokens, day from u where team_id is not null),
            {LifetimeCte("spent", "closed")},
            daily as (
                insert into {ScopeMeterTables.DailySpend} as m (organization_id, scope, scope_id, day, spend)
                select organization_id, scope, scope_id, day, sum(cost) from spent group by 1, 2, 3, 4 order by 1, 2, 3, 4
                on conflict (organization_id, scope, scope_id, day) do update set spend = m.spend + excluded.spend),
            recent as (
                insert into {ScopeMeterTables.RecentTokens} as m (organization_id, scope, scope_id, second, tokens)
                select organization_id, scope, scope_id, date_trunc('second', $9), sum(tokens) from spent
                group by 1, 2, 3 having sum(tokens) > 0 order by 1, 2, 3
                on conflict (organization_id, scope, scope_id, second) do update set tokens = m.tokens + excluded.tokens)
            select 1
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(u => u.OrganizationId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(u => u.RequestId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(u => u.EndUserId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(u => u.KeyId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(u => u.TeamId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(u => u.CostUsd).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(u => u.InputTokens + u.OutputTokens).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(u => DateOnly.FromDateTime(u.OccurredAt.UtcDateTime)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        return command;
    }
}
