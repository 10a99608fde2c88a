using Ledger.Domain.Analytics;
using Ledger.Projections.Consumers;
using Ledger.Projections.ConsumerTags;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Consumers.Listing;

/// <summary>
/// One page of an organization's active consumers from the inline Consumer read model, each with
/// its anomaly flag against the organization's cohort of the current calendar month (from the
/// async daily activity read model; null when it does not stand out).
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
        var orderBy = sort == "total_tokens" ? "input_tokens + output_tokens" : sort;
        var order = $"{orderBy} {(descending ? "desc nulls last" : "asc nulls first")}, end_user_id {(descending ? "desc" : "asc")}";
        var pattern = string.IsNullOrEmpty(search) ? null : "%" + EscapeLike(search) + "%";
        const string filter =
            "organization_id = $1 and retired_at is null and ($2::text is null or end_user_id ilike $2) and ($3::text[] is null or keys_seen && $3)";

        var today = clock.GetUtcNow().UtcDateTime;
        var month = new DateOnly(today.Year, today.Month, 1);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select end_user_id, requests, input_tokens, output_tokens, input_tokens + output_tokens,
                   total_spend, first_seen, last_active,
                   array(select t.tag from {ConsumerTagsTable.Name} t
                         where t.organization_id = $1 and t.end_user_id = c.end_user_id order by t.tag),
                   coalesce(mo.month_requests, 0), coalesce(mo.month_spend, 0), c.total
            -- The total comes with the page: the window counts every matching row before the limit, in the same scan.
            from (select *, count(*) over () total from {ConsumersTable.Name} where {filter} order by {order} limit {PageSize} offset $4) c
            left join lateral (select m.requests month_requests, m.spend month_spend from {DailyActivityTables.Months} m
                               where m.organization_id = $1 and m.month = $5 and m.end_user_id = c.end_user_id) mo on true
            order by {order}
            """, organizationId, pattern, keys, (page - 1) * PageSize, month));
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
            total = reader.GetInt64(11);
            rows.Add((new Row(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetDecimal(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<string[]>(8), null),
                new CohortMember(reader.GetString(0), reader.GetInt64(9), reader.GetDecimal(10))));
        }
        await reader.NextResultAsync(ct);
        var cohort = await reader.ReadAsync(ct)
            ? AnomalyCohort.Stats.FromSums(reader.GetInt64(0), reader.GetDecimal(1), reader.GetInt64(2), reader.GetDecimal(3))
            : AnomalyCohort.Stats.FromSums(0, 0m, 0, 0m);
        await reader.DisposeAsync();
        // A page past the end has no row to carry the total: only then is it counted on its own.
        total ??= page == 1 ? 0 : await CountAsync(filter, organizationId, pattern, keys, ct);
        return ([.. rows.Select(r => r.ThisMonth.Requests > 0 && AnomalyCohort.Flag(r.ThisMonth, cohort) is { } a
            ? r.Row with { Anomaly = a with { SpendRatio = Math.Round(a.SpendRatio, 4), RequestZscore = Math.Round(a.RequestZscore, 4) } }
            : r.Row)], total.Value);
    }

    private async Task<long> CountAsync(string filter, Guid organizationId, string? pattern, string[]? keys, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command($"select count(*) from {ConsumersTable.Name} where {filter}", organizationId, pattern, keys));
        return (long)(await batch.ExecuteScalarAsync(ct))!;
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
