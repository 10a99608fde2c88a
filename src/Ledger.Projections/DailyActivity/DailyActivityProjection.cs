using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.DailyActivity;

/// <summary>
/// Async projection of <see cref="DailyActivityTables"/>. Every count is a sum, so a batch of
/// events is folded in memory per consumer and day (and model) and written with one set-based
/// upsert per table, as the consumer totals are; rows are upserted in key order.
/// </summary>
public sealed class DailyActivityProjection : IProjection
{
    public const string ProjectionName = "daily_activity";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var delta = DailyActivityDelta.Fold(events);
        if (delta.Days.Count > 0) UpsertDays(operations, delta.Days);
        if (delta.Models.Count > 0) UpsertModels(operations, delta.Models);
        var months = delta.Days.Where(d => d.Requests > 0)
            .GroupBy(d => (d.Key.OrganizationId, d.Key.EndUserId, Month: new DateOnly(d.Key.Day.Year, d.Key.Day.Month, 1)))
            .Select(g => (g.Key, Requests: g.Sum(d => d.Requests), Spend: g.Sum(d => d.Spend))).ToList();
        if (months.Count > 0)
            operations.QueueSqlCommand(
                $"""
                insert into {DailyActivityTables.Months} as m (organization_id, month, end_user_id, requests, spend)
                select * from unnest(?::uuid[], ?::date[], ?::text[], ?::bigint[], ?::numeric[]) d(organization_id, month, end_user_id, requests, spend)
                order by organization_id, month, end_user_id collate "C"
                on conflict (organization_id, month, end_user_id) do update set
                    requests = m.requests + excluded.requests, spend = m.spend + excluded.spend
                """,
                months.Select(m => m.Key.OrganizationId).ToArray(),
                months.Select(m => m.Key.Month).ToArray(),
                months.Select(m => m.Key.EndUserId).ToArray(),
                months.Select(m => m.Requests).ToArray(),
                months.Select(m => m.Spend).ToArray());
        return Task.CompletedTask;
    }

    private static void UpsertDays(IDocumentOperations operations, IReadOnlyList<DailyActivityDelta.Day> rows) => operations.QueueSqlCommand(
        $"""
        insert into {DailyActivityTables.Days} as a (organization_id, end_user_id, day, requests, input_tokens, output_tokens, spend,
            successes, errors, rate_rejections, budget_rejections)
        select * from unnest(?::uuid[], ?::text[], ?::date[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[],
                             ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
            d(organization_id, end_user_id, day, requests, input_tokens, output_tokens, spend, successes, errors, rate_rejections, budget_rejections)
        order by organization_id, end_user_id collate "C", day
        on conflict (organization_id, end_user_id, day) do update set
            requests = a.requests + excluded.requests,
            input_tokens = a.input_tokens + excluded.input_tokens,
            output_tokens = a.output_tokens + excluded.output_tokens,
            spend = a.spend + excluded.spend,
            successes = a.successes + excluded.successes,
            errors = a.errors + excluded.errors,
            rate_rejections = a.rate_rejections + excluded.rate_rejections,
            budget_rejections = a.budget_rejections + excluded.budget_rejections
        """,
        rows.Select(r => r.Key.OrganizationId).ToArray(),
        rows.Select(r => r.Key.EndUserId).ToArray(),
        rows.Select(r => r.Key.Day).ToArray(),
        rows.Select(r => r.Requests).ToArray(),
        rows.Select(r => r.InputTokens).ToArray(),
        rows.Select(r => r.OutputTokens).ToArray(),
        rows.Select(r => r.Spend).ToArray(),
        rows.Select(r => r.Successes).ToArray(),
        rows.Select(r => r.Errors).ToArray(),
        rows.Select(r => r.RateRejections).ToArray(),
        rows.Select(r => r.BudgetRejections).ToArray());

    private static void UpsertModels(IDocumentOperations operations, IReadOnlyList<DailyActivityDelta.ModelDay> rows) => operations.QueueSqlCommand(
        $"""
        insert into {DailyActivityTables.Models} as m (organization_id, end_user_id, day, model, requests, total_tokens, spend)
        select * from unnest(?::uuid[], ?::text[], ?::date[], ?::text[], ?::bigint[], ?::bigint[], ?::numeric[])
            d(organization_id, end_user_id, day, model, requests, total_tokens, spend)
        order by organization_id, end_user_id collate "C", day, model collate "C"
        on conflict (organization_id, end_user_id, day, model) do update set
            requests = m.requests + excluded.requests,
            total_tokens = m.total_tokens + excluded.total_tokens,
            spend = m.spend + excluded.spend
        """,
        rows.Select(r => r.Key.OrganizationId).ToArray(),
        rows.Select(r => r.Key.EndUserId).ToArray(),
        rows.Select(r => r.Key.Day).ToArray(),
        rows.Select(r => r.Model).ToArray(),
        rows.Select(r => r.Requests).ToArray(),
        rows.Select(r => r.TotalTokens).ToArray(),
        rows.Select(r => r.Spend).ToArray());
}
