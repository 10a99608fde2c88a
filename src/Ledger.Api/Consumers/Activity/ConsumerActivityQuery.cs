using System.Text.Json.Nodes;
using Ledger.Domain.Money;
using Ledger.Projections.Consumers;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Consumers.Activity;

/// <summary>
/// One consumer's daily series from the daily activity read model, every day of the range present,
/// with its lifetime figures from the consumer row that decides whether it exists and is in scope.
/// </summary>
public sealed class ConsumerActivityQuery(NpgsqlDataSource dataSource)
{
    public sealed record DayView(
        DateOnly Date, long Requests, long InputTokens, long OutputTokens, long TotalTokens, decimal Spend, decimal SpendWithMarkup,
        long Successes, long Errors, long Rejections, JsonObject Models);

    /// <summary>Lifetime, as the Consumers list shows them.</summary>
    public sealed record Lifetime(long Requests, long TotalTokens, decimal TotalSpend, DateTimeOffset FirstSeen, DateTimeOffset? LastActive);

    public sealed record Series(Lifetime Consumer, IReadOnlyList<DayView> Days);

    /// <summary>
    /// Null when the organization has no such consumer, or (<paramref name="keys"/> not null: the
    /// caller sees the consumers of these keys) the caller may not see it.
    /// </summary>
    public async Task<Series?> RunAsync(
        Guid organizationId, string endUserId, string[]? keys, DateOnly first, DateOnly last, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select requests, input_tokens + output_tokens, total_spend, first_seen, last_active from {ConsumersTable.Name}
            where organization_id = $1 and end_user_id = $2 and ($3::text[] is null or keys_seen && $3)
            """, organizationId, endUserId, keys));
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select day, requests, input_tokens, output_tokens, spend, successes, errors, rate_rejections + budget_rejections, round(spend_with_markup, {Usd.Scale})
            from {DailyActivityTables.Days} where organization_id = $1 and end_user_id = $2 and day between $3 and $4
            """, organizationId, endUserId, first, last));
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select day, model, requests, total_tokens, spend
            from {DailyActivityTables.Models} where organization_id = $1 and end_user_id = $2 and day between $3 and $4
            order by day, model
            """, organizationId, endUserId, first, last));

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var lifetime = new Lifetime(reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
        await reader.NextResultAsync(ct);
        var days = new Dictionary<DateOnly, DayView>();
        while (await reader.ReadAsync(ct))
        {
            var day = reader.GetFieldValue<DateOnly>(0);
            var (input, output) = (reader.GetInt64(2), reader.GetInt64(3));
            days[day] = new DayView(day, reader.GetInt64(1), input, output, input + output, reader.GetDecimal(4), reader.GetDecimal(8),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), []);
        }
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
            if (days.TryGetValue(reader.GetFieldValue<DateOnly>(0), out var day))
                day.Models[reader.GetString(1)] = new JsonObject
                {
                    ["requests"] = reader.GetInt64(2),
                    ["total_tokens"] = reader.GetInt64(3),
                    ["spend"] = reader.GetDecimal(4),
                };

        return new Series(lifetime, [.. Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(i => first.AddDays(i))
            .Select(d => days.TryGetValue(d, out var view) ? view : new DayView(d, 0, 0, 0, 0, 0m, 0m, 0, 0, 0, []))]);
    }
}
