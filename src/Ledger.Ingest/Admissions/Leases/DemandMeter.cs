using Ledger.Domain.Admissions;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// Requests and estimated cost per second, averaged with exponential decay over <c>window</c> (as CockroachDB's
/// tenant cost client averages consumption): a steady scope's rate, a burst counted at once and spread over the
/// window, a lull forgotten gradually rather than at the next second.
/// </summary>
internal sealed class DemandMeter(TimeSpan window)
{
    private double requests;
    private decimal cost;
    private DateTimeOffset decayedAt;

    /// <summary>When the scope was last asked for.</summary>
    public DateTimeOffset Last { get; private set; }

    public void Add(DateTimeOffset now, decimal estimate)
    {
        Decay(now);
        requests += 1;
        cost += estimate;
        Last = now;
    }

    public LeaseGrant.Demand Rate(DateTimeOffset now)
    {
        Decay(now);
        return new LeaseGrant.Demand(requests / window.TotalSeconds, cost / (decimal)window.TotalSeconds);
    }

    /// <summary>Still worth a lease: about one request within the last window.</summary>
    public bool Wanted(DateTimeOffset now)
    {
        Decay(now);
        return requests >= 0.5;
    }

    private void Decay(DateTimeOffset now)
    {
        if (now <= decayedAt) return;
        var kept = Math.Exp(-(now - decayedAt).TotalSeconds / window.TotalSeconds);
        requests *= kept;
        cost *= (decimal)kept;
        decayedAt = now;
    }
}
