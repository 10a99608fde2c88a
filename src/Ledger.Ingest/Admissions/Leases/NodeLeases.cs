using System.Runtime.InteropServices;
using Ledger.Domain.Admissions;
using Microsoft.Extensions.Options;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// The leases this node holds, one at most per scope, and its recent demand per scope (what the
/// next lease of a scope is sized from). <see cref="TryAdmit"/> decides a request in memory when a
/// lease of every scope of it covers it. One lock guards it all: a decision is a few dictionary
/// look-ups, far shorter than any wait for the database. Leases out of use, until given back, are in
/// NodeLeases.Returns.cs.
/// </summary>
public sealed partial class NodeLeases(TimeProvider clock, IOptions<AdmissionOptions> options)
{
    private readonly TimeSpan term = options.Value.LeaseTerm;

    /// <summary>Over how long demand is averaged: one lease term (at least a second).</summary>
    private readonly TimeSpan window = options.Value.LeaseTerm > TimeSpan.FromSeconds(1) ? options.Value.LeaseTerm : TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Dictionary<ScopeKey, ScopeLease> leases = [];
    private readonly Dictionary<ScopeKey, DemandMeter> demand = [];
    /// <summary>Leases out of use and not yet given back, by id: each stays here until a committed transaction gave it back.</summary>
    private readonly Dictionary<Guid, ScopeLease> displaced = [];
    /// <summary>
    /// Admissions spent from each lease and not yet stored (<see cref="AdmissionRecorder"/>), by lease id. A lease is given
    /// back only once none is left: what it gives back is what its row was recorded to have spent (see
    /// <see cref="AdmissionWriter"/>), so an admission stored after the return would hold quota the scope no longer counts.
    /// </summary>
    private readonly Dictionary<Guid, int> unstored = [];
    /// <summary>Displaced leases revoked by a cap change or crossing (<see cref="RevokeNow"/>), not yet given back.</summary>
    private readonly HashSet<Guid> revokedNow = [];

    private TaskCompletionSource returnsDue = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly RecentRevocations revocations = new();

    /// <summary>
    /// How many revocations this node has seen. A transaction that may be granted leases notes it before it reads any
    /// cap, and passes it to <see cref="Install"/>: a grant sized on the caps before a change whose notice arrived
    /// meanwhile is then given back instead of put in use (the change's revocation found nothing of it to revoke).
    /// </summary>
    public long Generation
    {
        get { lock (gate) return revocations.Generation; }
    }

    /// <summary>This process, as lease rows name their holder.</summary>
    public string Node { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// For a transaction deciding requests of <paramref name="scopes"/>: a new lease of each of them this node wants
    /// (asked for lately) and holds no lease of that still serves (<see cref="ScopeLease.Waning"/>); and its leases of
    /// them out of use and not yet given back, to be given back (<see cref="LeaseKeeper"/> gives back the others). A lease that still serves stays in use: taking it out for the
    /// transaction would send its scope's other requests to the database meanwhile. A lease another transaction is
    /// giving back at the same time is offered to both: whichever locks its scope first gives it back (it deletes the
    /// lease's row), the other finds the row gone. So a decision never counts quota this node no longer uses because
    /// its return was still under way. Call <see cref="Returned"/> once committed.
    /// </summary>
    public AdmissionWriter.LeaseWork Work(IReadOnlyCollection<ScopeKey> scopes)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            var wanted = new Dictionary<ScopeKey, LeaseGrant.Demand>();
            foreach (var s in scopes)
                if (!(leases.TryGetValue(s, out var lease) && !lease.Waning(now, term)) && demand.TryGetValue(s, out var meter) && meter.Wanted(now))
                    wanted[s] = meter.Rate(now);
            var mine = scopes.ToHashSet();
            return new AdmissionWriter.LeaseWork([.. Returnable().Where(l => mine.Contains(l.Scope))], wanted, Node);
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
                CollectionsMarshal.GetValueRefOrAddDefault(unstored, lease.Id, out _)++;
            }
            return spent;
        }
    }

    /// <summary>The admissions spent from these leases (one admission's leases) are stored, or will never be.</summary>
    public void Stored(IEnumerable<Guid> spentFrom)
    {
        lock (gate)
            foreach (var id in spentFrom)
                if (unstored.TryGetValue(id, out var left))
                {
                    if (left > 1) unstored[id] = left - 1;
                    else if (unstored.Remove(id) && revokedNow.Contains(id)) returnsDue.TrySetResult();
                }
    }

    /// <summary>Admissions answered from leases and not yet stored.</summary>
    public bool Storing
    {
        get
        {
            lock (gate) return unstored.Count > 0;
        }
    }

    /// <summary>Scopes whose lease is <see cref="ScopeLease.Waning"/>: the lease stays in use until its renewal is installed.</summary>
    public IReadOnlyList<ScopeKey> Waning()
    {
        var now = clock.GetUtcNow();
        lock (gate) return [.. leases.Values.Where(l => l.Waning(now, term)).Select(l => l.Scope)];
    }

    /// <summary>Scopes whose lease has ended.</summary>
    public IReadOnlyList<ScopeKey> Ended()
    {
        var now = clock.GetUtcNow();
        lock (gate) return [.. leases.Values.Where(l => now >= l.ExpiresAt).Select(l => l.Scope)];
    }

    /// <summary>
    /// Puts granted leases in use. Two transactions of this node may each have been granted a lease of one scope:
    /// the one that lasts longer is kept, the other is given back by the next transaction. A lease of a scope revoked
    /// after <paramref name="since"/> (the <see cref="Generation"/> noted before the granting transaction read any cap)
    /// is given back at once instead.
    /// </summary>
    public void Install(IEnumerable<ScopeLease> granted, long since)
    {
        lock (gate)
            foreach (var lease in granted)
            {
                if (revocations.RevokedSince(since, lease.Scope)) GiveBackNow(lease);
                else if (!leases.TryGetValue(lease.Scope, out var held)) leases[lease.Scope] = lease;
                else if (held.ExpiresAt >= lease.ExpiresAt) displaced[lease.Id] = lease;
                else
                {
                    displaced[held.Id] = held;
                    leases[lease.Scope] = lease;
                }
            }
    }

    /// <summary>The node's recent demand for each scope that has one: scopes not asked for lately get no new lease.</summary>
    public Dictionary<ScopeKey, LeaseGrant.Demand> DemandOf(IEnumerable<ScopeKey> scopes)
    {
        var now = clock.GetUtcNow();
        lock (gate)
            return scopes.Distinct().Where(s => demand.TryGetValue(s, out var meter) && meter.Wanted(now))
                .ToDictionary(s => s, s => demand[s].Rate(now));
    }

    /// <summary>
    /// Forgets the demand of scopes not asked for in the last minute, so the book does not grow without bound, and
    /// displaced leases old enough to have been reaped (their admissions were never stored: the reaper gave them back).
    /// </summary>
    public void Prune(DateTimeOffset now, TimeSpan reapedAfter)
    {
        lock (gate)
        {
            foreach (var lease in displaced.Values.Where(l => now - l.ExpiresAt > reapedAfter).ToList())
            {
                displaced.Remove(lease.Id);
                unstored.Remove(lease.Id);
                revokedNow.Remove(lease.Id);
            }
            foreach (var (scope, meter) in demand.Where(d => now - d.Value.Last > TimeSpan.FromMinutes(1)).ToList())
                if (!leases.ContainsKey(scope)) demand.Remove(scope);
        }
    }

    private DemandMeter Meter(ScopeKey scope)
    {
        if (!demand.TryGetValue(scope, out var meter)) demand[scope] = meter = new DemandMeter(window);
        return meter;
    }
}
