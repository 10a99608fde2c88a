namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// The requests this node admitted lately, so that a retried admission is not decided from a lease as a new one:
/// <see cref="AdmissionGate"/> sends a request seen here to the database, which answers it as it was answered (the
/// same reservation, or 409 once its usage settled). Only a 64-bit hash of (organization, request id) is kept, for
/// <see cref="AdmissionOptions.RememberAdmissions"/>, in two generations (the older dropped whole): no object per
/// admission for the garbage collector to carry, so a node at thousands of admissions a second does not pause for
/// them. Two requests whose hashes collide cost the second one a database decision, never a wrong answer.
/// </summary>
public sealed class RecentAdmissions(TimeProvider clock, Microsoft.Extensions.Options.IOptions<AdmissionOptions> options)
{
    private readonly Lock gate = new();
    private HashSet<ulong> current = [];
    private HashSet<ulong> previous = [];
    private DateTimeOffset turned = clock.GetUtcNow();

    public bool Seen(Guid organization, string requestId)
    {
        var key = Key(organization, requestId);
        lock (gate) return current.Contains(key) || previous.Contains(key);
    }

    public void Remember(Guid organization, string requestId)
    {
        var key = Key(organization, requestId);
        lock (gate)
        {
            Turn();
            current.Add(key);
        }
    }

    private void Turn()
    {
        var now = clock.GetUtcNow();
        if (now - turned < options.Value.RememberAdmissions / 2) return;
        (previous, current, turned) = (current, new HashSet<ulong>(current.Count), now);
    }

    /// <summary>Seeds the hash per process, so no request id collides with another on every node alike.</summary>
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    /// <summary>64-bit FNV-1a over the organization's bytes and the request id's characters.</summary>
    private static ulong Key(Guid organization, string requestId)
    {
        const ulong prime = 1099511628211UL;
        var hash = 14695981039346656037UL ^ Seed;
        Span<byte> org = stackalloc byte[16];
        organization.TryWriteBytes(org);
        foreach (var b in org) hash = (hash ^ b) * prime;
        foreach (var c in requestId) hash = (hash ^ c) * prime;
        return hash;
    }
}
