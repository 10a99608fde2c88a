using Ledger.Projections.Consumers;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Consumers.Listing;

/// <summary>One page of an organization's consumers from the inline Consumer read model.</summary>
public sealed class ConsumerListQuery(NpgsqlDataSource dataSource)
{
    public const int PageSize = 25;

    public sealed record Row(
        string EndUserId, long Requests, long InputTokens, long OutputTokens, long TotalTokens,
        decimal TotalSpend, DateTimeOffset FirstSeen, DateTimeOffset? LastActive);

    public async Task<(IReadOnlyList<Row> Rows, long Total)> RunAsync(
        Guid organizationId, string? search, string sort, bool descending, int page, CancellationToken ct)
    {
        // sort is validated against a fixed list, so it is safe to splice into the statement.
        var orderBy = sort == "total_tokens" ? "input_tokens + output_tokens" : sort;
        var direction = descending ? "desc nulls last" : "asc nulls first";
        var pattern = string.IsNullOrEmpty(search) ? null : "%" + EscapeLike(search) + "%";
        const string filter = "organization_id = $1 and ($2::text is null or end_user_id ilike $2)";

        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select end_user_id, requests, input_tokens, output_tokens, input_tokens + output_tokens,
                   total_spend, first_seen, last_active
            from {ConsumersTable.Name} where {filter}
            order by {orderBy} {direction}, end_user_id {(descending ? "desc" : "asc")}
            limit {PageSize} offset $3
            """, organizationId, pattern, (page - 1) * PageSize));
        batch.BatchCommands.Add(SqlBatch.Command($"select count(*) from {ConsumersTable.Name} where {filter}", organizationId, pattern));

        var rows = new List<Row>(PageSize);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new Row(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetDecimal(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (rows, reader.GetInt64(0));
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
