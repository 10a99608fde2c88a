using Ledger.Domain.Analytics;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.Consumers;
using Ledger.Projections.ConsumerTags;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.OrganizationUsage;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Consumers.Listing;

/// <summary>
/// One page of an organization's listed consumers with the figures of the inline Consumer read
/// model: the whole list in the stored orders (<see cref="ConsumerRankingTable"/>, which trail the
/// consumer rows by up to about 0.6 s, <see cref="ConsumerRankingRefresh"/>), a searched or scoped one by the figures themselves; each with its anomaly flag against the organization's
/// cohort of the current calendar month (from the async daily activity read model; null when it
/// does not stand out).
/// </summary>
public sealed class ConsumerListQuery(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int PageSize = 25;

    public sealed record Row(
        string EndUserId, long Requests, long InputTokens, long OutputTokens, long TotalTokens,
        decimal TotalSpend, DateTimeOffset FirstSeen, DateTimeOffset? LastActive, string[] Tags, Anomaly? Anomaly);

    /// <summary>keys: null for the whole organization, else the keys whose consumers the caller may see.</summary>
    public async Task<(IReadOnlyList<Row> Rows, long Total)> RunAsync(
        Guid organizationId, string[]? keys, string? search, string sort, bool descending, int page, CancellationToken ct)
    {
        // sort is validated against a fixed list, so it is safe to splice into the statement.
        var direction = descending ? "desc" : "asc";
        var pattern = string.IsNullOrEmpty(search) ? null : "%" + EscapeLike(search) + "%";
        // Only the filters asked for are in the statement, so the planner sees each query's real shape.
        var args = new List<object?> { organizationId };
        string Arg(object value) { args.Add(value); return "$" + args.Count; }
        var offset = (page - 1) * PageSize;
        // A searched or scoped list is the few consumer rows that match (a search's through their
        // trigram index), sorted by their own current figures and counted in the same scan. The
        // whole list is the page's positions of the order's stored chunks (a descending page counted
        // from the end), its count kept per organization; but until the stored order holds as many
        // consumers as are listed (a consumer registered or retired since it was computed), the
        // whole list is sorted as a searched one is, so it is never a consumer short.
        var counted = keys is not null || pattern is not null || !await OrderHoldsEveryListedAsync(organizationId, sort, ct);
        var filter = "organization_id = $1 and retired_at is null" +
            (keys is null ? "" : $" and keys_seen && {Arg(keys)}") + (pattern is null ? "" : $" and end_user_id ilike {Arg(pattern)}");
        object?[] filterArgs = [.. args];
        var order = counted
            ? (sort == "end_user_id" ? "" : $"r.{sort} {direction}, ") + $"r.end_user_id collate \"C\" {direction}"
            : $"r.place {direction}";
        var chunk = ConsumerRankingTable.ChunkSize;
        var (low, high) = counted ? ("", "")
            : descending ? ($"members - {Arg(offset + PageSize)}", $"members - 1 - {Arg(offset)}")
            : (Arg(offset), Arg(offset + PageSize - 1));
        var matches = counted
            ? $"""
              select r.*, count(*) over () total from (
                  select {ConsumerRankingTable.RowOf("k")} from {ConsumersTable.Name} k where {filter}) r
              order by {order} limit {PageSize} offset {Arg(offset)}
              """
            : $"""
              select k.organization_id, u.end_user_id, k.chunk * {chunk} + u.i - 1 place
              from (select {low} low, {high} high from {ConsumerRankingTable.Name}
                    where organization_id = $1 and sort_key = '{sort}' and chunk = 0) p
              join {ConsumerRankingTable.Name} k on k.organization_id = $1 and k.sort_key = '{sort}'
                   and k.chunk between greatest(p.low, 0) / {chunk} and p.high / {chunk}
              cross join lateral unnest(k.end_user_ids) with ordinality u(end_user_id, i)
              where k.chunk * {chunk} + u.i - 1 between p.low and p.high
              """;
        var countSource = $"{ConsumersTable.Name} where {filter}";

        var today = clock.GetUtcNow().UtcDateTime;
        var month = new DateOnly(today.Year, today.Month, 1);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select c.end_user_id, c.requests, c.input_tokens, c.output_tokens, c.input_tokens + c.output_tokens,
                   c.total_spend, c.first_seen, c.last_active,
                   array(select t.tag from {ConsumerTagsTable.Name} t
                         where t.organization_id = $1 and t.end_user_id = c.end_user_id order by t.tag),
                   coalesce(mo.month_requests, 0), coalesce(mo.month_spend, 0), {(counted ? "r.total" : "0::bigint")}
            from ({matches}) r
            join {ConsumersTable.Name} c on c.organization_id = r.organization_id and c.end_user_id = r.end_user_id and c.retired_at is null
            left join lateral (select m.requests month_requests, m.spend month_spend from {DailyActivityTables.Months} m
                               where m.organization_id = $1 and m.month = {Arg(month)} and m.end_user_id = c.end_user_id) mo on true
            order by {order}
            """, [.. args]));
        if (!counted)
            batch.BatchCommands.Add(SqlBatch.Command(
                $"select coalesce((select active_consumers from {OrganizationUsageTable.Name} where organization_id = $1), 0)", organizationId));
        // The cohort: every consumer of the organization active this month, whoever is asking; one row of sums.
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select members, spend, requests, requests_squared
            from {DailyActivityTables.Cohorts} where organization_id = $1 and month = $2
            """, organizationId, month));

        var rows = new List<(Row Row, CohortMember ThisMonth)>(PageSize);
        long? total = null;
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((new Row(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetDecimal(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<string[]>(8), null),
                new CohortMember(reader.GetString(0), reader.GetInt64(9), reader.GetDecimal(10))));
            total = reader.GetInt64(11);
        }
        if (!counted)
        {
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            total = reader.GetInt64(0);
        }
        await reader.NextResultAsync(ct);
        var cohort = await reader.ReadAsync(ct)
            ? AnomalyCohort.Stats.FromSums(reader.GetInt64(0), reader.GetDecimal(1), reader.GetInt64(2), reader.GetDecimal(3))
            : AnomalyCohort.Stats.FromSums(0, 0m, 0, 0m);
        await reader.DisposeAsync();
        // A page past the end of a searched or scoped list has no row to carry the count: only then is it counted on its own.
        total ??= page == 1 ? 0 : await ScalarAsync<long>($"select count(*) from {countSource}", filterArgs, ct);
        return ([.. rows.Select(r => r.ThisMonth.Requests > 0 && AnomalyCohort.Flag(r.ThisMonth, cohort) is { } a
            ? r.Row with { Anomaly = a with { SpendRatio = Math.Round(a.SpendRatio, 4), RequestZscore = Math.Round(a.RequestZscore, 4) } }
            : r.Row)], total.Value);
    }

    private Task<bool> OrderHoldsEveryListedAsync(Guid organizationId, string sort, CancellationToken ct) => ScalarAsync<bool>(
        $"""
        select exists (select 1 from {ConsumerRankingTable.Name} k join {OrganizationUsageTable.Name} u using (organization_id)
                       where k.organization_id = $1 and k.sort_key = $2 and k.chunk = 0 and k.members = u.active_consumers)
        """, [organizationId, sort], ct);

    private async Task<T> ScalarAsync<T>(string sql, object?[] args, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(sql, args));
        return (T)(await batch.ExecuteScalarAsync(ct))!;
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
