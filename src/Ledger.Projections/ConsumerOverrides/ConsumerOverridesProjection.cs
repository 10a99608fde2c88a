using JasperFx.Events;
using Ledger.Domain.Consumers;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.ConsumerOverrides;

/// <summary>
/// Inline projection of each consumer's latest override into <see cref="ConsumerOverridesTable"/>.
/// An override that sets nothing, or a retirement, removes the row.
/// </summary>
public sealed class ConsumerOverridesProjection : IProjection
{
    public const string ProjectionName = "consumer_overrides";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case OverrideChanged o when o.After.SetsNothing():
                    Delete(operations, o.OrganizationId, o.EndUserId);
                    break;
                case OverrideChanged o:
                    Upsert(operations, o);
                    break;
                case ConsumerRetired r:
                    Delete(operations, r.OrganizationId, r.EndUserId);
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private static void Delete(IDocumentOperations operations, Guid organizationId, string endUserId) =>
        operations.QueueSqlCommand($"delete from {ConsumerOverridesTable.Name} where organization_id = ? and end_user_id = ?",
            organizationId, endUserId);

    private static void Upsert(IDocumentOperations operations, OverrideChanged o)
    {
        var l = o.After;
        operations.QueueSqlCommand(
            $"""
            insert into {ConsumerOverridesTable.Name} (organization_id, end_user_id, rpm_limit, tpm_limit, max_budget,
                budget_duration, period_budget, period_start, period_end, markup_percentage, notes, updated_at, updated_by)
            values (?, ?, ?::bigint, ?::bigint, ?::numeric, ?::text, ?::numeric, ?::timestamptz, ?::timestamptz, ?::numeric, ?::text, ?, ?)
            on conflict (organization_id, end_user_id) do update set
                rpm_limit = excluded.rpm_limit, tpm_limit = excluded.tpm_limit, max_budget = excluded.max_budget,
                budget_duration = excluded.budget_duration, period_budget = excluded.period_budget,
                period_start = excluded.period_start, period_end = excluded.period_end,
                markup_percentage = excluded.markup_percentage, notes = excluded.notes,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            o.OrganizationId, o.EndUserId, l.RpmLimit!, l.TpmLimit!, l.MaxBudget!, l.BudgetDuration?.ToString().ToLowerInvariant()!,
            l.PeriodBudget!, l.PeriodStart?.ToUniversalTime()!, l.PeriodEnd?.ToUniversalTime()!, l.MarkupPercentage!, l.Notes!,
            o.ChangedAt.ToUniversalTime(), o.Actor);
    }
}
