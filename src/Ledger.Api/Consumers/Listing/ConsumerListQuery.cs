using Ledger.Projections.Consumers;
using Ledger.Projections.ConsumerTags;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Consumers.Listing;

/// <summary>One page of an organization's active consumers from the inline Consumer read model.</summary>
public sealed class ConsumerListQuery(NpgsqlDataSource dataSource)
{
    public const int PageSize = 25;

    public sealed record Row(
        string EndUserId, long Requests, long InputTokens, long OutputTokens, long TotalTokens,
        decimal TotalSpend, DateTimeOffset FirstSeen, DateTimeOffset? LastActive, string[] Tags);

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

        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select end_user_id, requests, input_tokens, output_tokens, input_tokens + output_tokens,
                   total_spend, first_seen, last_active,
                   array(select t.tag from {ConsumerTagsTable.Name} t
                         where t.organization_id = $1 and t.end_user_id = c.end_user_id order by t.tag)
            from (select * from {ConsumersTable.Name} where {filter} order by {order} limit {PageSize} offset $4) c
            order by {order}
            """, organizationId, pattern, keys, (page - 1) * PageSize));
        batch.BatchCommands.Add(SqlBatch.Command($"select count(*) from {ConsumersTable.Name} where {filter}", organizationId, pattern, keys));

        var rows = new List<Row>(PageSize);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new Row(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetDecimal(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<string[]>(8)));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (rows, reader.GetInt64(0));
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
