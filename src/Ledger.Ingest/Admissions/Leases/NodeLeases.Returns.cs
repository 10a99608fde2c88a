using Ledger.Domain.Admissions;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// Leases out of use: displaced by a longer grant, revoked by a cap change or crossing, or closed as the node stops;
/// each waits here until a committed transaction gave it back (<see cref="LeaseKeeper"/>, <see cref="AdmissionWriter"/>).
/// </summary>
public sealed partial class NodeLeases
{
    /// <summary>
    /// Completes once leases were revoked by <see cref="RevokeNow"/>, or such a lease's last admission was stored: <see cref="LeaseKeeper"/> then
    /// gives them back at once rather than at its next tick (a cap change waits for that, see <see cref="CapChangeNotices"/>).
    /// </summary>
    public Task ReturnsDue => Volatile.Read(ref returnsDue).Task;

    /// <summary>Starts a new <see cref="ReturnsDue"/> once the last has completed: called before the keeper looks for leases to give back.</summary>
    public void ReturnsLookedFor()
    {
        var current = Volatile.Read(ref returnsDue);
        if (current.Task.IsCompleted)
            Interlocked.CompareExchange(ref returnsDue, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
    }

    /// <summary>A transaction that gave back (or found given back already) these leases committed.</summary>
    public void Returned(IEnumerable<ScopeLease> leasesGivenBack)
    {
        lock (gate)
            foreach (var lease in leasesGivenBack)
            {
                displaced.Remove(lease.Id);
                revokedNow.Remove(lease.Id);
            }
    }

    /// <summary>Takes every lease out of use: the node is stopping. <see cref="Displaced"/> then lists what it may give back.</summary>
    public void CloseAll()
    {
        lock (gate)
        {
            foreach (var lease in leases.Values) displaced[lease.Id] = lease;
            leases.Clear();
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
                if (leases.Remove(s, out var lease)) displaced[lease.Id] = lease;
    }

    /// <summary>
    /// As <see cref="Revoke"/>, because a cap of the scopes changed or was reached: the leases are also given back at
    /// once, not at the keeper's next tick (<see cref="ReturnsDue"/>), since the change waits for that.
    /// </summary>
    public void RevokeNow(IEnumerable<ScopeKey> scopes)
    {
        var named = scopes.ToHashSet();
        RevokeWhere(named.Contains);
    }

    /// <summary>As <see cref="RevokeNow"/>, for every scope that <paramref name="revoked"/> names.</summary>
    public void RevokeWhere(Func<ScopeKey, bool> revoked)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            revocations.Add(now, revoked);
            foreach (var s in leases.Keys.Where(revoked).ToList())
                if (leases.Remove(s, out var lease)) GiveBackNow(lease);
        }
    }

    /// <summary>Out of use, and given back at once rather than at the keeper's next tick. Called under the gate.</summary>
    private void GiveBackNow(ScopeLease lease)
    {
        displaced[lease.Id] = lease;
        revokedNow.Add(lease.Id);
        returnsDue.TrySetResult();
    }

    /// <summary>
    /// Leases out of use (displaced by <see cref="Install"/> or <see cref="Revoke"/>), not yet given back, whose admissions
    /// are all stored: those that may be given back now.
    /// </summary>
    public IReadOnlyList<ScopeLease> Displaced()
    {
        lock (gate) return [.. Returnable()];
    }

    private IEnumerable<ScopeLease> Returnable() => displaced.Values.Where(l => !unstored.ContainsKey(l.Id));
}
