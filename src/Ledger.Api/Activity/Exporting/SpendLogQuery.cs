using Ledger.Api.Validation;
using Ledger.Projections.SpendLog;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Activity.Exporting;

/// <summary>
/// A page of an organization's spend log, newest first, inside the 90-day window. Pages are cut by
/// position (time, request id), not by offset, so usage arriving meanwhile never shifts a page.
/// </summary>
public sealed class SpendLogQuery(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public sealed record Row(
        string RequestId, string? User, string Model, string KeyId, long InputTokens, long OutputTokens, decimal CostUsd,
        string Status, DateTimeOffset OccurredAt);

    /// <summary>The page after the request's cursor, and the position of its last row when more follow. Keys: null for the whole organization, or the keys whose rows the caller may see.</summary>
    public async Task<(IReadOnlyList<Row> Rows, ActivityExportRequest.Position? Next)> RunAsync(
        Guid organizationId, ActivityExportRequest request, string[]? keys, CancellationToken ct)
    {
        var windowStart = RetentionWindow.Start(clock.GetUtcNow());
        var from = DayRules.Parse(request.StartDate) is { } start && Midnight(start) > windowStart ? Midnight(start) : windowStart;
        DateTimeOffset? until = DayRules.Parse(request.EndDate) is { } end ? Midnight(end.AddDays(1)) : null;
        var after = ActivityExportRequest.Position.Decode(request.Cursor);
        var limit = request.Limit ?? ActivityExportRequest.DefaultLimit;

        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select request_id, end_user_id, model, key_id, input_tokens, output_tokens, cost, status, occurred_at from {SpendLogTable.Name}
            where organization_id = $1 and occurred_at >= $2 and ($3::timestamptz is null or occurred_at < $3)
                and ($4::text[] is null or end_user_id = any($4)) and ($5::text is null or model = $5) and ($6::text is null or key_id = $6)
                and ($7::text[] is null or key_id = any($7))
                and ($8::timestamptz is null or (occurred_at, request_id) < ($8, $9::text))
            order by occurred_at desc, request_id desc
            limit $10
            """, organizationId, from, until, request.Users, request.Model, request.KeyId, keys, after?.OccurredAt, after?.RequestId, limit + 1));

        var rows = new List<Row>(limit + 1);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new Row(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetDecimal(6), reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8)));
        if (rows.Count <= limit) return (rows, null);
        rows.RemoveAt(limit);
        return (rows, new ActivityExportRequest.Position(rows[^1].OccurredAt, rows[^1].RequestId));
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
