using JasperFx.Events;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.Teams;
using Ledger.Projections.Storage;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Ingest.Admissions.Caps;

/// <summary>
/// Inline projection of every cap change into <see cref="AdmissionCapsTable"/>, admission's own
/// copy of the caps: a consumer's override (a retirement removes it), the organization's consumer
/// defaults, a key's and a team's limits. A change that leaves no cap set removes the row.
/// </summary>
public sealed class AdmissionCapsProjection : IProjection
{
    public const string ProjectionName = "admission_caps";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case OverrideChanged o:
                    Write(operations, new ScopeKey(o.OrganizationId, CapScope.Consumer, o.EndUserId), o.After);
                    break;
                case ConsumerRetired r:
                    Write(operations, new ScopeKey(r.OrganizationId, CapScope.Consumer, r.EndUserId), ConsumerLimits.None);
                    break;
                case ConsumerDefaultsChanged d:
                    Write(operations, new ScopeKey(d.OrganizationId, CapScope.Consumer, AdmissionCapsTable.Defaults), d.After);
                    break;
                case KeyLimitsChanged k:
                    Write(operations, new ScopeKey(k.OrganizationId, CapScope.Key, k.KeyId), k.After.ToLimits());
                    break;
                case TeamLimitsChanged t:
                    Write(operations, new ScopeKey(t.OrganizationId, CapScope.Team, t.TeamId), t.After.ToLimits());
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private static void Write(IDocumentOperations operations, ScopeKey scope, ConsumerLimits limits)
    {
        // Markup and notes change reported spend and the dashboard, never admission.
        var caps = limits with { MarkupPercentage = null, Notes = null };
        if (caps.SetsNothing())
        {
            operations.QueueSqlCommand($"delete from {AdmissionCapsTable.Name} where organization_id = ? and scope = ? and scope_id = ?",
                scope.OrganizationId, (short)scope.Scope, scope.Id);
            return;
        }
        operations.QueueSqlCommand(
            $"""
            insert into {AdmissionCapsTable.Name} (organization_id, scope, scope_id, {CapColumns.Names})
            values (?, ?, ?, {CapColumns.Placeholders})
            on conflict (organization_id, scope, scope_id) do update set {CapColumns.FromExcluded}
            """,
            [scope.OrganizationId, (short)scope.Scope, scope.Id, .. CapColumns.Values(caps)]);
    }
}
