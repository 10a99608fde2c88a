using Ledger.Domain.Admissions;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// The revocations by a cap change or crossing that <see cref="NodeLeases"/> received lately, numbered, with the scopes
/// each named: a lease granted from caps read before one of them is not put in use after it. Not thread-safe: the
/// leases' lock guards it.
/// </summary>
internal sealed class RecentRevocations
{
    /// <summary>Longer than any transaction that grants leases takes: one reading caps before a revocation older than this is not expected.</summary>
    private static readonly TimeSpan Kept = TimeSpan.FromSeconds(30);

    private readonly List<(long Generation, DateTimeOffset At, Func<ScopeKey, bool> Revoked)> recent = [];

    /// <summary>How many revocations there have been.</summary>
    public long Generation { get; private set; }

    /// <summary>Records a revocation of the scopes <paramref name="revoked"/> names, and forgets those older than <see cref="Kept"/>.</summary>
    public void Add(DateTimeOffset now, Func<ScopeKey, bool> revoked)
    {
        recent.RemoveAll(r => now - r.At > Kept);
        recent.Add((++Generation, now, revoked));
    }

    /// <summary>Whether a revocation after generation <paramref name="since"/> named <paramref name="scope"/>.</summary>
    public bool RevokedSince(long since, ScopeKey scope) => recent.Any(r => r.Generation > since && r.Revoked(scope));
}
