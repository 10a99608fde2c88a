using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Money;
using Ledger.Domain.Usage;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.DailyActivity;

/// <summary>
/// Async projection of <see cref="DailyActivityTables"/>. Every count is a sum, so a batch of
/// events is folded in memory per consumer and day (and model) and written with one set-based
/// upsert per table, as the consumer totals are; rows are upserted in key order. Spend with
/// markup uses each consumer's markup as of the event (kept in <see cref="DailyActivityTables.Markups"/>).
/// Only the event types it uses are read from the event log.
/// </summary>
public sealed class DailyActivityProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "daily_activity";

    public DailyActivityProjection()
    {
        Name = ProjectionName;
        IncludeType<UsageSettled>();
        IncludeType<RequestRejected>();
        IncludeType<OverrideChanged>(); // markup
        IncludeType<ConsumerRetired>(); // markup
    }

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // Usage is marked up by the markup in force when it happened: the batch is folded in runs of
        // events between markup changes, each run written before the change that ends it.
        var start = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (MarkupChange(events[i].Data) is not { } change) continue;
            Apply(operations, events, start, i);
            SetMarkup(operations, change);
            start = i + 1;
        }
        Apply(operations, events, start, events.Count);
        return Task.CompletedTask;
    }

    private static void Apply(IDocumentOperations operations, IReadOnlyList<IEvent> events, int from, int to)
    {
        if (from >= to) return;
        var delta = DailyActivityDelta.Fold(from == 0 && to == events.Count ? events : [.. events.Skip(from).Take(to - from)]);
        if (delta.Days.Count > 0) UpsertDays(operations, delta.Days);
        if (delta.Models.Count > 0) UpsertModels(operations, delta.Models);
        var months = delta.Days.Where(d => d.Requests > 0)
            .GroupBy(d => (d.Key.OrganizationId, d.Key.EndUserId, Month: new DateOnly(d.Key.Day.Year, d.Key.Day.Month, 1)))
            .Select(g => (g.Key, Requests: g.Sum(d => d.Requests), Spend: g.Sum(d => d.Spend))).ToList();
        if (months.Count > 0)
        {
            // The months' rows and, from what the upsert returns, the cohorts' statistics (a row the statement
            // created, its requests all this batch's, is a new member; each row's square grows by new² - old²)
            // and the months' largest spenders: a row at least as large as the month's last listed one is
            // listed (see DailyActivityTables.TopSpenders).
            operations.QueueSqlCommand(
                $"""
                with d as (select * from unnest(?::uuid[], ?::date[], ?::text[], ?::bigint[], ?::numeric[]) d(organization_id, month, end_user_id, requests, spend)),
                up as (
                    insert into {DailyActivityTables.Months} as m (organization_id, month, end_user_id, requests, spend)
                    select * from d order by organization_id, month, end_user_id collate "C"
                    on conflict (organization_id, month, end_user_id) do update set
                        requests = m.requests + excluded.requests, spend = m.spend + excluded.spend
                    returning m.organization_id, m.month, m.end_user_id, m.requests, m.spend),
                -- Materialized: inlined, the planner evaluates the floor once per row of up (0.7 s a page, not 1 ms).
                floors as materialized (
                    select k.organization_id, k.month, (select t.spend from {DailyActivityTables.TopSpenders} t
                        where t.organization_id = k.organization_id and t.month = k.month
                        order by t.spend desc, t.end_user_id offset {DailyActivityTables.TopSpendersKept - 1} limit 1) spend
                    from (select distinct organization_id, month from d) k),
                top as (
                    insert into {DailyActivityTables.TopSpenders} as t (organization_id, month, end_user_id, spend)
                    select up.organization_id, up.month, up.end_user_id, up.spend
                    from up join floors f on f.organization_id = up.organization_id and f.month = up.month
                    where f.spend is null or up.spend >= f.spend
                    order by 1, 2, 3
                    on conflict (organization_id, month, end_user_id) do update set spend = excluded.spend)
                insert into {DailyActivityTables.Cohorts} as c (organization_id, month, members, spend, requests, requests_squared)
                select d.organization_id, d.month, count(*) filter (where up.requests = d.requests), sum(d.spend), sum(d.requests),
                    sum(up.requests::numeric * up.requests - (up.requests - d.requests)::numeric * (up.requests - d.requests))
                from d join up on up.organization_id = d.organization_id and up.month = d.month and up.end_user_id = d.end_user_id
                group by d.organization_id, d.month
                order by 1, 2
                on conflict (organization_id, month) do update set
                    members = c.members + excluded.members, spend = c.spend + excluded.spend,
                    requests = c.requests + excluded.requests, requests_squared = c.requests_squared + excluded.requests_squared
                """,
                months.Select(m => m.Key.OrganizationId).ToArray(),
                months.Select(m => m.Key.Month).ToArray(),
                months.Select(m => m.Key.EndUserId).ToArray(),
                months.Select(m => m.Requests).ToArray(),
                months.Select(m => m.Spend).ToArray());
            // Then each month whose list the statement above may have lengthened is cut back to its largest spenders.
            var touched = months.Select(m => (m.Key.OrganizationId, m.Key.Month)).Distinct().ToList();
            operations.QueueSqlCommand(
                $"""
                delete from {DailyActivityTables.TopSpenders} t using (
                    select organization_id, month, end_user_id,
                        row_number() over (partition by organization_id, month order by spend desc, end_user_id) n
                    from {DailyActivityTables.TopSpenders}
                    where (organization_id, month) in (select * from unnest(?::uuid[], ?::date[]))) r
                where r.n > {DailyActivityTables.TopSpendersKept}
                    and t.organization_id = r.organization_id and t.month = r.month and t.end_user_id = r.end_user_id
                """,
                touched.Select(t => t.OrganizationId).ToArray(),
                touched.Select(t => t.Month).ToArray());
        }
    }

    private sealed record Markup(Guid OrganizationId, string EndUserId, decimal? Percentage);

    /// <summary>The consumer's markup from this event on, if the event changes it (a retirement drops the override, and with it the markup).</summary>
    private static Markup? MarkupChange(object data) => data switch
    {
        OverrideChanged o when o.Before.MarkupPercentage != o.After.MarkupPercentage =>
            new Markup(o.OrganizationId, o.EndUserId, o.After.MarkupPercentage),
        ConsumerRetired r => new Markup(r.OrganizationId, r.EndUserId, null),
        _ => null,
    };

    private static void SetMarkup(IDocumentOperations operations, Markup change)
    {
        if (change.Percentage is { } percentage)
            operations.QueueSqlCommand(
                $"""
                insert into {DailyActivityTables.Markups} (organization_id, end_user_id, markup_percentage) values (?, ?, ?)
                on conflict (organization_id, end_user_id) do update set markup_percentage = excluded.markup_percentage
                """, change.OrganizationId, change.EndUserId, Usd.RoundMarkup(percentage));
        else
            operations.QueueSqlCommand($"delete from {DailyActivityTables.Markups} where organization_id = ? and end_user_id = ?",
                change.OrganizationId, change.EndUserId);
    }

    private static void UpsertDays(IDocumentOperations operations, IReadOnlyList<DailyActivityDelta.Day> rows) => operations.QueueSqlCommand(
        $"""
        insert into {DailyActivityTables.Days} as a (organization_id, end_user_id, day, requests, input_tokens, output_tokens, spend,
            spend_with_markup, successes, errors, rate_rejections, budget_rejections)
        select d.organization_id, d.end_user_id, d.day, d.requests, d.input_tokens, d.output_tokens, d.spend,
            d.spend * (1 + coalesce(mk.markup_percentage, 0) / 100), d.successes, d.errors, d.rate_rejections, d.budget_rejections
        from unnest(?::uuid[], ?::text[], ?::date[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[],
                    ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
            d(organization_id, end_user_id, day, requests, input_tokens, output_tokens, spend, successes, errors, rate_rejections, budget_rejections)
        left join {DailyActivityTables.Markups} mk on mk.organization_id = d.organization_id and mk.end_user_id = d.end_user_id
        order by d.organization_id, d.end_user_id collate "C", d.day
        on conflict (organization_id, end_user_id, day) do update set
            requests = a.requests + excluded.requests,
            input_tokens = a.input_tokens + excluded.input_tokens,
            output_tokens = a.output_tokens + excluded.output_tokens,
            spend = a.spend + excluded.spend,
            spend_with_markup = a.spend_with_markup + excluded.spend_with_markup,
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
