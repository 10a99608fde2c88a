using Ledger.Domain.Admissions;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// The leases this node holds, one at most per scope, and its recent demand per scope (what the
/// next lease of a scope is sized from). <see cref="TryAdmit"/> decides a request in memory when a
/// lease of every scope of it covers it. One lock guards it all: a decision is a few dictionary
/// look-ups, far shorter than any wait for the database.
/// </summary>
public sealed class NodeLeases(TimeProvider clock)
{
    private readonly Lock gate = new();
    private readonly Dictionary<ScopeKey, ScopeLease> leases = [];
    private readonly Dictionary<ScopeKey, DemandMeter> demand = [];
    private readonly List<ScopeLease> displaced = [];

    /// <summary>This process, as lease rows name their holder.</summary>
    public string Node { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// For a transaction deciding requests of <paramref name="scopes"/>: this node's leases of them (taken out of
    /// use, to be given back) and leases displaced since the last transaction, and its demand for each scope.
    /// </summary>
    public AdmissionWriter.LeaseWork Work(IReadOnlyCollection<ScopeKey> scopes)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            var returning = new List<ScopeLease>(displaced);
            displaced.Clear();
            var wanted = new Dictionary<ScopeKey, LeaseGrant.Demand>();
            foreach (var s in scopes)
            {
                if (leases.Remove(s, out var lease)) returning.Add(lease);
                if (demand.TryGetValue(s, out var meter) && meter.Rate(now) is { RequestsPerSecond: > 0 } d) wanted[s] = d;
            }
            return new AdmissionWriter.LeaseWork(returning, wanted, Node);
        }
    }

    /// <summary>
    /// Admits the request against this node's leases and returns the leases it spent from, or
    /// returns null: some scope of it has no lease that covers it, and the database decides it.
    /// </summary>
    public Guid[]? TryAdmit(AdmissionRequest request, DateTimeOffset now)
    {
        ScopeKey[] scopes = [.. request.Scopes()];
        lock (gate)
        {
            var covered = true;
            foreach (var scope in scopes)
            {
                Meter(scope).Add(now, request.EstimatedCostUsd);
                covered &= leases.TryGetValue(scope, out var lease) && lease.Covers(request.EstimatedCostUsd, now);
            }
            if (!covered) return null;
            var spent = new Guid[scopes.Length];
            for (var i = 0; i < scopes.Length; i++)
            {
                var lease = leases[scopes[i]];
                leases[scopes[i]] = lease.Spending(request.EstimatedCostUsd);
                spent[i] = lease.Id;
            }
            return spent;
        }
    }

    /// <summary>Scopes whose lease ends within <paramref name="within"/> (or has ended): the lease stays in use until its renewal is installed.</summary>
    public IReadOnlyList<ScopeKey> Ending(TimeSpan within)
    {
        var until = clock.GetUtcNow() + within;
        lock (gate) return [.. leases.Values.Where(l => l.ExpiresAt <= until).Select(l => l.Scope)];
    }

    /// <summary>Every lease, taken out of use: the node is stopping.</summary>
    public IReadOnlyList<ScopeLease> CloseAll()
    {
        lock (gate)
        {
            var all = leases.Values.ToList();
            leases.Clear();
            return all;
        }
    }

    /// <summary>
    /// Puts granted leases in use. Two transactions of this node may each have been granted a lease of one scope:
    /// the one that lasts longer is kept, the other is given back by the next transaction.
    /// </summary>
    public void Install(IEnumerable<ScopeLease> granted)
    {
        lock (gate)
            foreach (var lease in granted)
            {
                if (!leases.TryGetValue(lease.Scope, out var held)) leases[lease.Scope] = lease;
                else if (held.ExpiresAt >= lease.ExpiresAt) displaced.Add(lease);
                else
                {
                    displaced.Add(held);
                    leases[lease.Scope] = lease;
                }
            }
    }

    /// <summary>
    /// Takes this node's leases of the scopes out of use at once (a cap of theirs was crossed or changed); the next
    /// transaction gives them back, and the scopes' next requests are decided by the database.
    /// </summary>
    public void Revoke(IEnumerable<ScopeKey> scopes)
    {
        lock (gate)
            foreach (var s in scopes)
                if (leases.Remove(s, out var lease)) displaced.Add(lease);
    }

    /// <summary>As <see cref="Revoke"/>, for every scope leased here that <paramref name="revoked"/> names.</summary>
    public void RevokeWhere(Func<ScopeKey, bool> revoked)
    {
        lock (gate) Revoke([.. leases.Keys.Where(revoked)]);
    }

    /// <summary>Leases displaced by <see cref="Install"/> or <see cref="Revoke"/>, taken to be given back.</summary>
    public IReadOnlyList<ScopeLease> TakeDisplaced()
    {
        lock (gate)
        {
            var taken = displaced.ToList();
            displaced.Clear();
            return taken;
        }
    }

    /// <summary>The node's recent demand for each scope that has one: scopes not asked for lately get no new lease.</summary>
    public Dictionary<ScopeKey, LeaseGrant.Demand> DemandOf(IEnumerable<ScopeKey> scopes)
    {
        var now = clock.GetUtcNow();
        lock (gate)
            return scopes.Distinct().Select(s => (s, Rate: demand.TryGetValue(s, out var meter) ? meter.Rate(now) : default))
                .Where(d => d.Rate.RequestsPerSecond > 0).ToDictionary(d => d.s, d => d.Rate);
    }

    /// <summary>Forgets the demand of scopes not asked for in the last minute, so the book does not grow without bound.</summary>
    public void Prune(DateTimeOffset now)
    {
        lock (gate)
            foreach (var (scope, meter) in demand.Where(d => now - d.Value.Last > TimeSpan.FromMinutes(1)).ToList())
                if (!leases.ContainsKey(scope)) demand.Remove(scope);
    }

    private DemandMeter Meter(ScopeKey scope)
    {
        if (!demand.TryGetValue(scope, out var meter)) demand[scope] = meter = new DemandMeter();
        return meter;
    }

    /// <summary>Requests and estimated cost per second over the current and the previous second.</summary>
    private sealed class DemandMeter
    {
        private long second;
        private (double Requests, decimal Cost) current;
        private (double Requests, decimal Cost) previous;

        public DateTimeOffset Last { get; private set; }

        public void Add(DateTimeOffset now, decimal cost)
        {
            Roll(now);
            current = (current.Requests + 1, current.Cost + cost);
            Last = now;
        }

        public LeaseGrant.Demand Rate(DateTimeOffset now)
        {
            Roll(now);
            // The previous whole second, or the current one when it already holds more (a burst).
            return current.Requests > previous.Requests
                ? new LeaseGrant.Demand(current.Requests, current.Cost)
                : new LeaseGrant.Demand(previous.Requests, previous.Cost);
        }

        private void Roll(DateTimeOffset now)
        {
            var s = now.ToUnixTimeSeconds();
            if (s == second) return;
            previous = s == second + 1 ? current : default;
            current = default;
            second = s;
        }
    }
}
