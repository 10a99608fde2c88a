using Ledger.Domain.Admissions;
using Ledger.Ingest.Admissions;
using Ledger.Ingest.Admissions.Leases;
using Microsoft.Extensions.Options;

namespace Ledger.Tests.Admissions;

/// <summary>
/// A node's leases in memory: a lease granted from caps read before a cap change must not be put in use once
/// the change's revocation reached the node, although it was granted after the revocation had nothing of it to revoke.
/// </summary>
public sealed class NodeLeasesTests
{
    private static readonly AdmissionRequest Request = new(Guid.NewGuid(), "r1", "key_1", null, "tenant_acme", "gpt-4o", null, 0.01m);

    private static List<ScopeLease> LeasesFor(AdmissionRequest request)
    {
        var now = DateTimeOffset.UtcNow;
        return [.. request.Scopes().Select(s => new ScopeLease(Guid.NewGuid(), s, 100, null, 100, null, now.AddSeconds(10), now.AddSeconds(10)))];
    }

    private static NodeLeases Node() => new(TimeProvider.System, Options.Create(new AdmissionOptions { LeaseTerm = TimeSpan.FromSeconds(10) }));

    [Fact]
    public void a_lease_granted_from_caps_read_before_a_revocation_of_its_scope_is_given_back_not_used()
    {
        var node = Node();
        var since = node.Generation; // the granting transaction starts
        node.RevokeWhere(s => s.Scope == CapScope.Key); // a key's cap changes meanwhile; the node holds no lease of it yet

        var granted = LeasesFor(Request);
        node.Install(granted, since);

        Assert.Null(node.TryAdmit(Request, DateTimeOffset.UtcNow)); // decided in the database, against the new cap
        Assert.Contains(granted.Single(l => l.Scope.Scope == CapScope.Key).Id, node.Displaced().Select(l => l.Id));
    }

    [Fact]
    public void a_lease_granted_after_a_revocation_was_seen_is_used()
    {
        var node = Node();
        node.RevokeWhere(s => s.Scope == CapScope.Key);
        var since = node.Generation; // the granting transaction starts after the change: it reads the new caps

        node.Install(LeasesFor(Request), since);

        Assert.NotNull(node.TryAdmit(Request, DateTimeOffset.UtcNow));
        Assert.Empty(node.Displaced());
    }
}
