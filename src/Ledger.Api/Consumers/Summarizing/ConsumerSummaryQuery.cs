using Ledger.Projections.Consumers;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Consumers.Summarizing;

/// <summary>
/// The current billing period (the calendar month, UTC) at a glance: its largest spender, and the
/// spend of its largest spenders for a chart, from the async daily activity read model.
/// </summary>
public sealed class ConsumerSummaryQuery(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Bars in the chart: the largest spenders; the rest are left out.</summary>
    public const int ChartSize = 10;

    public sealed record Spender(string EndUserId, decimal Spend);

    public sealed record Summary(DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, Spender? TopConsumer, IReadOnlyList<Spender>? Chart);

    /// <summary>keys: null for the whole organization, else the keys whose consumers the caller may see.</summary>
    public async Task<Summary> RunAsync(Guid organizationId, string[]? keys, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        await using var batch = dataSource.CreateBatch();
        // The whole organization's largest spenders are kept by the daily activity projection; a member's
        // (the consumers of their keys) are sorted from the month's rows, which carry no index on spend.
        batch.BatchCommands.Add(keys is null
            ? SqlBatch.Command(
                $"""
                select t.end_user_id, t.spend from {DailyActivityTables.TopSpenders} t
                where t.organization_id = $1 and t.month = $2
                order by t.spend desc, t.end_user_id
                limit {ChartSize}
                """, organizationId, DateOnly.FromDateTime(start.UtcDateTime))
            : SqlBatch.Command(
                $"""
                select m.end_user_id, m.spend from {DailyActivityTables.Months} m
                where m.organization_id = $1 and m.month = $2 and m.requests > 0
                    and exists (select 1 from {ConsumersTable.Name} c
                        where c.organization_id = $1 and c.end_user_id = m.end_user_id and c.keys_seen && $3)
                order by m.spend desc, m.end_user_id
                limit {ChartSize}
                """, organizationId, DateOnly.FromDateTime(start.UtcDateTime), keys));

        var spenders = new List<Spender>(ChartSize);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) spenders.Add(new Spender(reader.GetString(0), reader.GetDecimal(1)));
        // A top spender of one, or a chart of one or two bars, would show a share of 100 % or a trivial split: left out.
        // The rows read are min(active consumers, ChartSize), which is all the thresholds need: no count of the whole month.
        return new Summary(start, start.AddMonths(1), spenders.Count >= 2 ? spenders[0] : null, spenders.Count >= 3 ? spenders : null);
    }
}
