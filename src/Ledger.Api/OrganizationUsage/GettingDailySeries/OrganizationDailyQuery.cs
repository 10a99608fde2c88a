using Ledger.Projections.Consumers;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.OrganizationUsage.GettingDailySeries;

/// <summary>
/// An organization's days from the async daily activity read model (seconds behind the writes):
/// spend, requests, tokens and active consumers per UTC day, every day of the range present, with
/// the range's totals and its largest spenders. Usage attributed to no consumer is not in it.
/// </summary>
public sealed class OrganizationDailyQuery(NpgsqlDataSource dataSource)
{
    /// <summary>Largest spenders listed; the rest are left out.</summary>
    public const int TopSize = 10;

    public sealed record Day(DateOnly Date, long Requests, long TotalTokens, decimal Spend, long ActiveConsumers);

    public sealed record Spender(string EndUserId, decimal Spend, long Requests);

    /// <summary>ActiveConsumers: consumers with a request on any day of the range.</summary>
    public sealed record Series(IReadOnlyList<Day> Days, long Requests, long TotalTokens, decimal Spend, long ActiveConsumers, IReadOnlyList<Spender> Top);

    /// <summary>keys: null for the whole organization, else the keys whose consumers the caller may see.</summary>
    public async Task<Series> RunAsync(Guid organizationId, string[]? keys, DateOnly first, DateOnly last, CancellationToken ct)
    {
        var rows = $"""
            {DailyActivityTables.Days} d
            where d.organization_id = $1 and d.day between $2 and $3 and d.requests > 0
              and ($4::text[] is null or exists (select 1 from {ConsumersTable.Name} c
                  where c.organization_id = $1 and c.end_user_id = d.end_user_id and c.keys_seen && $4))
            """;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"select d.day, sum(d.requests)::bigint, sum(d.input_tokens + d.output_tokens)::bigint, sum(d.spend), count(*) from {rows} group by d.day",
            organizationId, first, last, keys));
        // Grouped by consumer: the count over the groups is the range's active consumers, the first rows its largest spenders.
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select d.end_user_id, sum(d.spend) spend, sum(d.requests)::bigint, count(*) over () from {rows}
            group by d.end_user_id order by spend desc, d.end_user_id limit {TopSize}
            """, organizationId, first, last, keys));

        var days = new Dictionary<DateOnly, Day>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var day = reader.GetFieldValue<DateOnly>(0);
            days[day] = new Day(day, reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3), reader.GetInt64(4));
        }
        await reader.NextResultAsync(ct);
        var top = new List<Spender>(TopSize);
        long active = 0;
        while (await reader.ReadAsync(ct))
        {
            top.Add(new Spender(reader.GetString(0), reader.GetDecimal(1), reader.GetInt64(2)));
            active = reader.GetInt64(3);
        }

        var series = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(i => first.AddDays(i))
            .Select(d => days.TryGetValue(d, out var view) ? view : new Day(d, 0, 0, 0m, 0)).ToList();
        return new Series(series, series.Sum(d => d.Requests), series.Sum(d => d.TotalTokens), series.Sum(d => d.Spend), active, top);
    }
}
