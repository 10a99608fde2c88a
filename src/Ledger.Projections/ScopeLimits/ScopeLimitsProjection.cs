using JasperFx.Events;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.Teams;
using Ledger.Projections.Storage;
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
            insert into {ScopeLimitsTable.Name} (organization_id, scope, scope_id, {CapColumns.Names}, updated_at, updated_by)
            values (?, ?, ?, {CapColumns.Placeholders}, ?, ?)
            on conflict (organization_id, scope, scope_id) do update set
                {CapColumns.FromExcluded}, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            [org, (short)scope, id, .. CapColumns.Values(l), at.ToUniversalTime(), actor]);
    }
}
