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
/// model: the whole list ordered through the list's index (<see cref="ConsumerRankingTable"/>, whose
/// order trails by the ranking projection's lag), a searched or scoped one by the figures themselves; each with its anomaly flag against the organization's
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
        // sort is validated against a fixed list, so it is safe to splice into the statement. On the
        // ranking each order is one of its indexes, read forwards or backwards.
        var direction = descending ? "desc" : "asc";
        var order = sort == "end_user_id" ? $"r.end_user_id {direction}" : $"r.{sort} {direction}, r.end_user_id {direction}";
        var pattern = string.IsNullOrEmpty(search) ? null : "%" + EscapeLike(search) + "%";
        // Only the filters asked for are in the statement, so the planner sees each query's real shape.
        var args = new List<object?> { organizationId };
        string Arg(object value) { args.Add(value); return "$" + args.Count; }
        // A searched or scoped list is the few consumer rows that match (a search's through their
        // trigram index), sorted by their own current figures and counted in the same scan. The
        // whole list is read in order from the ranking's index for that order, and only what that
        // index holds, so a page reads its own rows and those before it; its count is kept per organization.
        var counted = keys is not null || pattern is not null;
        var filter = "organization_id = $1 and retired_at is null" +
            (keys is null ? "" : $" and keys_seen && {Arg(keys)}") + (pattern is null ? "" : $" and end_user_id ilike {Arg(pattern)}");
        object?[] filterArgs = [.. args];
        var matches = counted
            ? $"""
              select r.*, count(*) over () total from (
                  select {ConsumerRankingTable.RowOf("k")} from {ConsumersTable.Name} k where {filter}) r
              order by {order}
              """
            : $"select r.organization_id, r.end_user_id{(sort == "end_user_id" ? "" : $", r.{sort}")} from {ConsumerRankingTable.Name} r where {filter} order by {order}";
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
            from ({matches} limit {PageSize} offset {Arg((page - 1) * PageSize)}) r
            join {ConsumersTable.Name} c on c.organization_id = r.organization_id and c.end_user_id = r.end_user_id
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
        total ??= page == 1 ? 0 : await CountAsync($"select count(*) from {countSource}", filterArgs, ct);
        return ([.. rows.Select(r => r.ThisMonth.Requests > 0 && AnomalyCohort.Flag(r.ThisMonth, cohort) is { } a
            ? r.Row with { Anomaly = a with { SpendRatio = Math.Round(a.SpendRatio, 4), RequestZscore = Math.Round(a.RequestZscore, 4) } }
            : r.Row)], total.Value);
    }

    private async Task<long> CountAsync(string sql, object?[] args, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(sql, args));
        return (long)(await batch.ExecuteScalarAsync(ct))!;
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
