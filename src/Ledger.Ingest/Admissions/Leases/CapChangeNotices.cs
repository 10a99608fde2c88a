using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.Teams;
using Marten;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// A cap change revokes every node's leases of the scopes it applies to: when a session is about to
/// store an event that changes caps (a consumer's override, the organization's consumer defaults, a
/// key's or a team's limits), it also queues a notification on <see cref="CapCrossings.Channel"/>.
/// PostgreSQL delivers it when, and only if, that transaction commits, so every node
/// (<see cref="LeaseNotifications"/>) stops admitting from those leases within milliseconds of the
/// change, and decides the scopes' next requests in the database against the new caps.
/// </summary>
public sealed class CapChangeNotices : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var changed = session.PendingChanges.Streams().SelectMany(s => s.Events).Select(e => ScopesOf(e.Data)).OfType<string>().ToList();
        if (changed.Count > 0) session.QueueSqlCommand("select pg_notify(?, ?)", CapCrossings.Channel, string.Join('\n', changed));
        return Task.CompletedTask;
    }

    private static string? ScopesOf(object e) => e switch
    {
        OverrideChanged o => LeaseNotifications.Format(new ScopeKey(o.OrganizationId, CapScope.Consumer, o.EndUserId)),
        ConsumerDefaultsChanged d => LeaseNotifications.FormatEvery(d.OrganizationId, CapScope.Consumer),
        KeyLimitsChanged k => LeaseNotifications.Format(new ScopeKey(k.OrganizationId, CapScope.Key, k.KeyId)),
        TeamLimitsChanged t => LeaseNotifications.Format(new ScopeKey(t.OrganizationId, CapScope.Team, t.TeamId)),
        _ => null,
    };
}
