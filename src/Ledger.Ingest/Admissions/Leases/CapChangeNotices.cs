using JasperFx.Events;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.Teams;
using Marten;
using Marten.Services;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// A cap change revokes every node's leases of the scopes it applies to: when a session is about to
/// store an event that changes caps (a consumer's override, the organization's consumer defaults, a
/// key's or a team's limits), it also queues a notification on <see cref="CapCrossings.Channel"/>.
/// PostgreSQL delivers it when, and only if, that transaction commits, so every other node
/// (<see cref="LeaseNotifications"/>) stops admitting from those leases within milliseconds of the
/// change, and decides the scopes' next requests in the database against the new caps. This node
/// revokes its own leases once the change committed, before the change is answered: a request it
/// decides after that answer is decided against the new caps.
/// </summary>
public sealed class CapChangeNotices(NodeLeases leases) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        foreach (var payload in LeaseNotifications.Payloads(Revocations(session.PendingChanges.Streams().SelectMany(s => s.Events))))
            session.QueueSqlCommand("select pg_notify(?, ?)", CapCrossings.Channel, payload);
        return Task.CompletedTask;
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var lines = Revocations(commit.GetEvents()).ToList();
        if (lines.Count > 0) leases.RevokeWhere(LeaseNotifications.Parse(string.Join('\n', lines)));
        return Task.CompletedTask;
    }

    /// <summary>The notification's lines for these events: one per event that changes caps.</summary>
    private static IEnumerable<string> Revocations(IEnumerable<IEvent> events) => events.Select(e => ScopesOf(e.Data)).OfType<string>();

    private static string? ScopesOf(object e) => e switch
    {
        OverrideChanged o => LeaseNotifications.Format(new ScopeKey(o.OrganizationId, CapScope.Consumer, o.EndUserId)),
        ConsumerDefaultsChanged d => LeaseNotifications.FormatEvery(d.OrganizationId, CapScope.Consumer),
        KeyLimitsChanged k => LeaseNotifications.Format(new ScopeKey(k.OrganizationId, CapScope.Key, k.KeyId)),
        TeamLimitsChanged t => LeaseNotifications.Format(new ScopeKey(t.OrganizationId, CapScope.Team, t.TeamId)),
        _ => null,
    };
}
