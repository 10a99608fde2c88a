using Ledger.Domain.Admissions;
using Ledger.Domain.Usage;
using Ledger.Ingest.Admissions.Caps;
using Npgsql;

namespace Ledger.Ingest.Admissions.Meters;

/// <summary>
/// Admission's side of settlement: the usage write path hands its fresh usage to
/// <see cref="SettleAsync"/>, whose statement, in the usage's transaction, closes the
/// reservations that the usage settles and adds its spend and tokens to the meters of the scopes it
/// belongs to (<see cref="ScopeMeterTables"/>). Settlement touches no admission table itself. Rows
/// are upserted in key order, so concurrent transactions take their row locks in the same order.
/// Tokens are kept only for scopes with a tpm cap (their own, or for a consumer the organization's
/// default), since each row costs the write path about as much as the usage event itself: a tpm cap
/// counts the tokens settled while it is set, so for the first minute after it is set it may let
/// through up to a minute's tokens more.
/// </summary>
public static class ScopeMeters
{
    /// <summary>
    /// SQL for CTEs <c>released</c> and <c>lifetime</c>: <c>lifetime</c> adds to each scope's lifetime row
    /// the spend of the rows in <paramref name="spent"/> (one per scope; columns organization_id, scope,
    /// scope_id, cost, day, day_spend), if any, and the estimated cost of the reservations closed in CTE
    /// <paramref name="closed"/> (columns organization_id, end_user_id, key_id, team_id, estimated_cost),
    /// summed per scope in <c>released</c>. A consumer's row also keeps one day's spend
    /// (<see cref="ScopeMeterTables"/>): <c>day_spend</c> is added to it when the row keeps that day, or
    /// when the row's day has nothing counted and is older. Otherwise the row's day, in the CTE's output
    /// (organization_id, scope, scope_id, day), is another, and the caller counts the spend in the daily
    /// rows. One insert, since a statement may change a row only once; rows in <see cref="LockOrder"/>.
    /// </summary>
    public static string LifetimeCte(string? spent, string closed) =>
        $"""
        released as (
            select organization_id, scope, scope_id, sum(estimated_cost) released from (
                select organization_id, 0::smallint scope, end_user_id scope_id, estimated_cost from {closed} where end_user_id is not null
                union all select organization_id, 1::smallint, key_id, estimated_cost from {closed}
                union all select organization_id, 2::smallint, team_id, estimated_cost from {closed} where team_id is not null) c
            group by organization_id, scope, scope_id),
        lifetime as (
            insert into {ScopeMeterTables.Spend} as m (organization_id, scope, scope_id, spend, released, day, day_spend)
            {(spent is null
                ? $"select organization_id, scope, scope_id, 0, released, null, 0 from released order by {LockOrder}"
                : $"""
                  select coalesce(s.organization_id, r.organization_id), coalesce(s.scope, r.scope), coalesce(s.scope_id, r.scope_id),
                         coalesce(s.cost, 0), coalesce(r.released, 0), s.day, coalesce(s.day_spend, 0)
                  from {spent} s full join released r on r.organization_id = s.organization_id and r.scope = s.scope and r.scope_id = s.scope_id
                  order by coalesce(s.organization_id, r.organization_id), coalesce(s.scope, r.scope), coalesce(s.scope_id, r.scope_id) collate "C"
                  """)}
            on conflict (organization_id, scope, scope_id) do update set
                spend = m.spend + excluded.spend, released = m.released + excluded.released,
                day = case when {TakesDay} then excluded.day else m.day end,
                day_spend = case when {TakesDay} then excluded.day_spend
                                 when m.day = excluded.day then m.day_spend + excluded.day_spend else m.day_spend end
            returning organization_id, scope, scope_id, day)
        """;

    /// <summary>When an upsert's day replaces the row's: the row has none, or an older one with nothing counted on it.</summary>
    private const string TakesDay = "(m.day is null and excluded.day is not null or excluded.day > m.day and m.day_spend = 0)";

    /// <summary>
    /// The one order in which every writer of the meter tables upserts rows, so two transactions
    /// never wait for each other's row locks in a circle. Bytewise ("C") on the id: as consistent
    /// as any collation, and far cheaper to sort.
    /// </summary>
    private const string LockOrder = """organization_id, scope, scope_id collate "C" """;

    /// <summary>
    /// Settles a transaction's fresh usage in admission's meters. Spend and tokens are summed per scope
    /// (and a consumer's spend per day) here, in memory, so the statement upserts each row once without
    /// grouping thousands of usage rows first. A consumer's latest day in the batch goes with its
    /// lifetime row and its earlier days are daily rows. The statement returns the few consumers whose
    /// row keeps a day other than the batch's most common one; those whose row does not keep their
    /// latest day get it as a daily row, in a second statement (usually none is needed).
    /// </summary>
    public static async Task SettleAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<UsageSettled> fresh, DateTimeOffset now, CancellationToken ct)
    {
        var rows = fresh
            .SelectMany(u => ScopeKey.Of(u.OrganizationId, u.EndUserId, u.KeyId, u.TeamId)
                .Select(s => (Scope: s, Day: DateOnly.FromDateTime(u.OccurredAt.UtcDateTime), Cost: u.Cost(), Tokens: u.InputTokens + u.OutputTokens)))
            .GroupBy(r => r.Scope)
            .Select(g => (Scope: g.Key, Spend: g.Sum(r => r.Cost), Tokens: g.Sum(r => r.Tokens),
                // Period budgets are a consumer's only: keys and teams keep no days.
                Days: g.Key.Scope is CapScope.Consumer
                    ? g.GroupBy(r => r.Day).Select(d => (Day: d.Key, Spend: d.Sum(r => r.Cost))).OrderByDescending(d => d.Day).ToList()
                    : []))
            .ToList();
        var latest = rows.Where(r => r.Days.Count > 0).ToDictionary(r => r.Scope, r => r.Days[0]);
        var usual = latest.Count == 0 ? default : latest.Values.CountBy(d => d.Day).MaxBy(c => c.Value).Key;
        var earlier = rows.SelectMany(r => r.Days.Skip(1).Select(d => (r.Scope, d.Day, d.Spend))).ToList();
        var tokens = rows.Where(r => r.Tokens > 0).ToList();

        var otherDays = new Dictionary<ScopeKey, DateOnly?>();
        await using (var command = new NpgsqlCommand(
            $"""
            with closed as (
                update {AdmissionTables.Admissions} a set closed_at = $3
                from unnest($1::uuid[], $2::text[]) u(organization_id, request_id)
                where a.organization_id = u.organization_id and a.request_id = u.request_id and a.closed_at is null
                returning a.organization_id, a.end_user_id, a.key_id, a.team_id, a.estimated_cost),
            spent as (
                select * from unnest($4::uuid[], $5::smallint[], $6::text[], $7::numeric[], $8::date[], $9::numeric[])
                    s(organization_id, scope, scope_id, cost, day, day_spend)),
            {LifetimeCte("spent", "closed")},
            daily as ({DailyInsert("unnest($10::uuid[], $11::smallint[], $12::text[], $13::date[], $14::numeric[])")}),
            recent as (
                insert into {ScopeMeterTables.RecentTokens} as m (organization_id, scope, scope_id, second, tokens)
                select organization_id, scope, scope_id, date_trunc('second', $3), tokens
                from unnest($15::uuid[], $16::smallint[], $17::text[], $18::bigint[]) t(organization_id, scope, scope_id, tokens)
                -- The scope's own tpm cap, or for a consumer the organization's default.
                where exists (select 1 from {AdmissionCapsTable.Name} l where l.tpm_limit is not null and l.organization_id = t.organization_id
                                  and (l.scope, l.scope_id) in ((t.scope, t.scope_id), (case when t.scope = 0 then 0::smallint end, '{AdmissionCapsTable.Defaults}')))
                order by {LockOrder}
                on conflict (organization_id, scope, scope_id, second) do update set tokens = m.tokens + excluded.tokens)
            select organization_id, scope_id, day from lifetime where scope = 0 and day is distinct from $19
            """, connection, tx))
        {
            void Add(object value) => command.Parameters.Add(new NpgsqlParameter { Value = value });
            Add(fresh.Select(u => u.OrganizationId).ToArray());
            Add(fresh.Select(u => u.RequestId).ToArray());
            Add(now);
            ScopeStates.AddKeys(command.Parameters, [.. rows.Select(r => r.Scope)]);
            Add(rows.Select(r => r.Spend).ToArray());
            Add(rows.Select(r => r.Days.Count > 0 ? r.Days[0].Day : (DateOnly?)null).ToArray());
            Add(rows.Select(r => r.Days.Count > 0 ? r.Days[0].Spend : 0m).ToArray());
            ScopeStates.AddKeys(command.Parameters, [.. earlier.Select(r => r.Scope)]);
            Add(earlier.Select(r => r.Day).ToArray());
            Add(earlier.Select(r => r.Spend).ToArray());
            ScopeStates.AddKeys(command.Parameters, [.. tokens.Select(r => r.Scope)]);
            Add(tokens.Select(r => r.Tokens).ToArray());
            Add(usual);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                otherDays[new ScopeKey(reader.GetGuid(0), CapScope.Consumer, reader.GetString(1))] =
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2);
        }

        // A consumer's row keeps its latest day unless it keeps another: one not the usual day, returned above,
        // or (for a latest day that is not the usual one) the usual day, so not returned.
        var unkept = latest
            .Where(l => otherDays.TryGetValue(l.Key, out var kept) ? kept != l.Value.Day : l.Value.Day != usual)
            .Select(l => (Scope: l.Key, l.Value.Day, l.Value.Spend)).ToList();
        if (unkept.Count == 0) return;
        await using var daily = new NpgsqlCommand(DailyInsert("unnest($1::uuid[], $2::smallint[], $3::text[], $4::date[], $5::numeric[])"), connection, tx);
        ScopeStates.AddKeys(daily.Parameters, [.. unkept.Select(r => r.Scope)]);
        daily.Parameters.Add(new NpgsqlParameter { Value = unkept.Select(r => r.Day).ToArray() });
        daily.Parameters.Add(new NpgsqlParameter { Value = unkept.Select(r => r.Spend).ToArray() });
        await daily.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds the rows of <paramref name="source"/> (organization_id, scope, scope_id, day, spend) to the daily rows, in lock order.</summary>
    private static string DailyInsert(string source) =>
        $"""
        insert into {ScopeMeterTables.DailySpend} as m (organization_id, scope, scope_id, day, spend)
        select * from {source} d(organization_id, scope, scope_id, day, spend)
        order by {LockOrder}, day
        on conflict (organization_id, scope, scope_id, day) do update set spend = m.spend + excluded.spend
        """;

    /// <summary>
    /// Moves up to <paramref name="limit"/> lifetime rows' kept day, where it is before
    /// <paramref name="today"/> and has spend, into the daily rows, so the row's next day is kept
    /// in it again; returns how many. Until then a new day's spend is counted in the daily rows:
    /// moving is only for speed, and readers add both.
    /// </summary>
    public static async Task<int> MoveOldDaysAsync(NpgsqlDataSource dataSource, DateOnly today, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            with old as (
                select organization_id, scope, scope_id, day, day_spend from {ScopeMeterTables.Spend}
                where day < $1 and day_spend <> 0 order by {LockOrder} limit $2 for update),
            moved as ({DailyInsert("old")})
            update {ScopeMeterTables.Spend} m set day_spend = 0 from old
            where m.organization_id = old.organization_id and m.scope = old.scope and m.scope_id = old.scope_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = today });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await command.ExecuteNonQueryAsync(ct);
    }
}
