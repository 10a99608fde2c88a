using JasperFx.Events;
using Ledger.Domain.Consumers;
using Ledger.Projections.Storage;
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
            insert into {ConsumerOverridesTable.Name} (organization_id, end_user_id, {CapColumns.Names},
                markup_percentage, notes, updated_at, updated_by)
            values (?, ?, {CapColumns.Placeholders}, ?::numeric, ?::text, ?, ?)
            on conflict (organization_id, end_user_id) do update set
                {CapColumns.FromExcluded},
                markup_percentage = excluded.markup_percentage, notes = excluded.notes,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            [o.OrganizationId, o.EndUserId, .. CapColumns.Values(l), l.MarkupPercentage!, l.Notes!, o.ChangedAt.ToUniversalTime(), o.Actor]);
    }
}
