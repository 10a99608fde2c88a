using JasperFx.Events;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.ModelPrices;
using Ledger.Domain.Teams;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.Audit;

/// <summary>
/// Async projection of who changed what about a consumer, a key's or team's caps, the
/// organization's consumer defaults or its model prices, into <see cref="AuditLogTable"/>. An
/// entry's time is the time the event records, so replaying history reproduces it exactly.
/// </summary>
public sealed partial class AuditTrailProjection : EventProjection
{
    public const string ProjectionName = "audit_trail";

    public AuditTrailProjection()
    {
        Name = ProjectionName;
        IncludeType<TagAdded>();
        IncludeType<TagRemoved>();
        IncludeType<OverrideChanged>();
        IncludeType<ConsumerRegistered>();
        IncludeType<ConsumerRetired>();
        IncludeType<KeyLimitsChanged>();
        IncludeType<TeamLimitsChanged>();
        IncludeType<ConsumerDefaultsChanged>();
        IncludeType<ModelPriceChanged>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        switch (e.Data)
        {
            case TagAdded t:
                Insert(operations, e, t.OrganizationId, t.AddedAt, t.Actor, "tag_added", t.EndUserId, tag: t.Tag);
                break;
            case TagRemoved t:
                Insert(operations, e, t.OrganizationId, t.RemovedAt, t.Actor, "tag_removed", t.EndUserId, tag: t.Tag);
                break;
            case OverrideChanged o:
                Insert(operations, e, o.OrganizationId, o.ChangedAt, o.Actor, "override_changed", o.EndUserId,
                    before: AuditJson.Of(o.Before), after: AuditJson.Of(o.After), notes: o.After.Notes);
                break;
            // Traffic registering a consumer is not a person's act; pre-registration and bulk import are.
            case ConsumerRegistered { Actor: { } actor } r:
                Insert(operations, e, r.OrganizationId, r.RegisteredAt, actor, "consumer_registered", r.EndUserId,
                    notes: r.Source is RegistrationSource.BulkImport ? "bulk import" : null);
                break;
            case ConsumerRetired r:
                Insert(operations, e, r.OrganizationId, r.RetiredAt, r.Actor, "consumer_retired", r.EndUserId);
                break;
            case KeyLimitsChanged k:
                Insert(operations, e, k.OrganizationId, k.ChangedAt, k.Actor, "key_limits_changed", null, keyId: k.KeyId,
                    before: AuditJson.Of(k.Before), after: AuditJson.Of(k.After));
                break;
            case TeamLimitsChanged t:
                Insert(operations, e, t.OrganizationId, t.ChangedAt, t.Actor, "team_limits_changed", null, teamId: t.TeamId,
                    before: AuditJson.Of(t.Before), after: AuditJson.Of(t.After));
                break;
            case ConsumerDefaultsChanged d:
                Insert(operations, e, d.OrganizationId, d.ChangedAt, d.Actor, "consumer_defaults_changed", null,
                    before: AuditJson.Of(d.Before), after: AuditJson.Of(d.After));
                break;
            // No price of its own before or after reads as none: the shipped default applied.
            case ModelPriceChanged p:
                Insert(operations, e, p.OrganizationId, p.ChangedAt, p.Actor, "model_price_changed", null, model: p.Model,
                    before: AuditJson.Of(p.Before), after: AuditJson.Of(p.After));
                break;
        }
        return ValueTask.CompletedTask;
    }

    private static void Insert(
        IDocumentOperations operations, IEvent e, Guid organizationId, DateTimeOffset at, string actor, string action,
        string? endUserId, string? tag = null, string? before = null, string? after = null, string? notes = null,
        string? keyId = null, string? teamId = null, string? model = null) =>
        operations.QueueSqlCommand(
            $"""
            insert into {AuditLogTable.Name} (id, organization_id, at, actor, action, end_user_id, key_id, team_id, model, tag, before, after, notes, seq)
            values (?, ?, ?, ?, ?, ?::text, ?::text, ?::text, ?::text, ?::text, ?::jsonb, ?::jsonb, ?::text, ?) on conflict (id) do nothing
            """,
            e.Id, organizationId, at.ToUniversalTime(), actor, action, endUserId!, keyId!, teamId!, model!, tag!, before!, after!, notes!, e.Sequence);
}
