using JasperFx.Events;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.Teams;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.ScopeLimits;

/// <summary>Inline projection of key caps, team caps and default consumer caps into <see cref="ScopeLimitsTable"/>.</summary>
public sealed class ScopeLimitsProjection : IProjection
{
    public const string ProjectionName = "scope_limits";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case KeyLimitsChanged k:
                    Write(operations, k.OrganizationId, CapScope.Key, k.KeyId, k.After.ToLimits(), k.ChangedAt, k.Actor);
                    break;
                case TeamLimitsChanged t:
                    Write(operations, t.OrganizationId, CapScope.Team, t.TeamId, t.After.ToLimits(), t.ChangedAt, t.Actor);
                    break;
                case ConsumerDefaultsChanged d:
                    Write(operations, d.OrganizationId, CapScope.Consumer, ScopeLimitsTable.Defaults, d.After, d.ChangedAt, d.Actor);
                    break;
            }
        }
        return Task.CompletedTask;
    }


    private static void Write(
        IDocumentOperations operations, Guid org, CapScope scope, string id, ConsumerLimits l, DateTimeOffset at, string actor)
    {
        if (l.SetsNothing())
        {
            operations.QueueSqlCommand($"delete from {ScopeLimitsTable.Name} where organization_id = ? and scope = ? and scope_id = ?",
                org, (short)scope, id);
            return;
        }
        operations.QueueSqlCommand(
            $"""
            insert into {ScopeLimitsTable.Name} (organization_id, scope, scope_id, rpm_limit, tpm_limit, max_budget,
                budget_duration, period_budget, period_start, period_end, updated_at, updated_by)
            values (?, ?, ?, ?::bigint, ?::bigint, ?::numeric, ?::text, ?::numeric, ?::timestamptz, ?::timestamptz, ?, ?)
            on conflict (organization_id, scope, scope_id) do update set
                rpm_limit = excluded.rpm_limit, tpm_limit = excluded.tpm_limit, max_budget = excluded.max_budget,
                budget_duration = excluded.budget_duration, period_budget = excluded.period_budget,
                period_start = excluded.period_start, period_end = excluded.period_end,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            org, (short)scope, id, l.RpmLimit!, l.TpmLimit!, l.MaxBudget!, l.BudgetDuration?.ToString().ToLowerInvariant()!,
            l.PeriodBudget!, l.PeriodStart?.ToUniversalTime()!, l.PeriodEnd?.ToUniversalTime()!, at.ToUniversalTime(), actor);
    }
}
