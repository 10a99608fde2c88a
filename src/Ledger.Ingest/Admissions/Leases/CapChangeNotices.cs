using JasperFx.Events;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.Teams;
using Marten;
using Marten.Services;
using Npgsql;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// A cap change revokes every node's leases of the scopes it applies to: when a session is about to
/// store an event that changes caps (a consumer's override, the organization's consumer defaults, a
/// key's or a team's limits), it also queues a notification on <see cref="CapCrossings.Channel"/>.
/// PostgreSQL delivers it when, and only if, that transaction commits, so every other node
/// (<see cref="LeaseNotifications"/>) stops admitting from those leases within milliseconds of the
/// change, and decides the scopes' next requests in the database against the new caps. This node
/// revokes its own leases once the change committed. The change is answered once every node has
/// given those leases back (<see cref="LeaseReturns"/>, a second at most): until a lease is given back
/// its quota stays counted in its scope, so a request decided in the database right after the answer,
/// on any node, would otherwise be refused for quota nobody uses any more.
/// </summary>
public sealed class CapChangeNotices(NodeLeases leases, NpgsqlDataSource dataSource) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var lines = Changed(session.PendingChanges.Streams().SelectMany(s => s.Events)).Select(c => c.Line);
        foreach (var payload in LeaseNotifications.Payloads(lines))
            session.QueueSqlCommand("select pg_notify(?, ?)", CapCrossings.Channel, payload);
        return Task.CompletedTask;
    }

    public override async Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var changed = Changed(commit.GetEvents()).ToList();
        if (changed.Count == 0) return;
        leases.RevokeWhere(ScopeSelection.AnyOf(changed));
        await LeaseReturns.WaitAsync(dataSource, changed, token);
    }

    /// <summary>The scopes whose caps these events change.</summary>
    private static IEnumerable<ScopeSelection> Changed(IEnumerable<IEvent> events) =>
        events.Select(e => ScopesOf(e.Data)).OfType<ScopeSelection>();

    private static ScopeSelection? ScopesOf(object e) => e switch
    {
        OverrideChanged o => new ScopeSelection(o.OrganizationId, CapScope.Consumer, o.EndUserId),
        ConsumerDefaultsChanged d => new ScopeSelection(d.OrganizationId, CapScope.Consumer, null),
        KeyLimitsChanged k => new ScopeSelection(k.OrganizationId, CapScope.Key, k.KeyId),
        TeamLimitsChanged t => new ScopeSelection(t.OrganizationId, CapScope.Team, t.TeamId),
        _ => null,
    };
}
