using Ledger.Domain.Money;

namespace Ledger.Domain.Admissions;

/// <summary>
/// How much of a scope's free quota a node may lease, a pure function of the scope's state (as
/// read under its lock), the node's recent demand for it and the lease term. A lease is sized to
/// last the node one term at its recent rate (it is renewed halfway through), and is granted only while the scope
/// has at least <see cref="Margin"/> times that free: near a cap there is no lease, and every
/// request of the scope is decided by the database, exactly as without leases. So leases never
/// let a cap be passed, and what a lease keeps from other nodes is bounded by one lease's size for
/// one term.
/// </summary>
public static class LeaseGrant
{
    public const int Margin = 4;

    /// <summary>Demand of one node for one scope: admissions and estimated cost per second, recently.</summary>
    public readonly record struct Demand(double RequestsPerSecond, decimal CostPerSecond);

    /// <summary>Slots and headroom to lease (null where the scope has no such cap), or null for no lease.</summary>
    public static (long? Slots, decimal? Headroom)? Size(ScopeState state, Demand demand, DateTimeOffset now, TimeSpan term)
    {
        // A scope refused now (any cap, the token window included) is decided by the database.
        if (Admit.Decide([state], now) is not null) return null;
        var (caps, usage) = (state.Caps, state.Usage);
        var terms = term.TotalSeconds;

        long? slots = null;
        if (caps.RpmLimit is { } rpm)
        {
            var want = (long)Math.Ceiling(Math.Max(demand.RequestsPerSecond, 1) * terms);
            if (rpm - SlidingWindow.Sum(usage.Admissions, now) < want * Margin) return null;
            slots = want;
        }

        decimal? headroom = null;
        if (Remaining(caps, usage, now) is { } remaining)
        {
            // Requests estimated at nothing need no headroom, only a budget not yet reached (Admit.Decide above).
            // As for slots, at least a request a second: at the scope's average estimate.
            var perRequest = demand.RequestsPerSecond > 0 ? demand.CostPerSecond / (decimal)demand.RequestsPerSecond : 0m;
            // Kept to the places money is stored with: the reserved total the grant adds to, the lease row and what is
            // given back must all be the same amount, or a return could leave the scope a fraction under its spend.
            var want = Usd.Round(Math.Max(perRequest * (decimal)Math.Max(demand.RequestsPerSecond, 1) * (decimal)terms, 0m));
            if (remaining < want * Margin) return null;
            headroom = want;
        }
        return (slots, headroom);
    }

    /// <summary>What the tightest budget of the scope leaves, or null when it has none.</summary>
    private static decimal? Remaining(Caps caps, ScopeUsage usage, DateTimeOffset now)
    {
        decimal? left = null;
        if (caps.MaxBudget is { } max) left = max - usage.LifetimeSpend - usage.Reserved;
        if (caps.Period is { } period && BudgetPeriod.Current(period, now) is not null)
            left = Math.Min(left ?? decimal.MaxValue, period.Budget - usage.PeriodSpend - usage.Reserved);
        return left;
    }

    /// <summary>The scope's usage once a lease of this size is granted, ending at <paramref name="windowAt"/>.</summary>
    public static ScopeUsage Granting(ScopeUsage usage, long? slots, decimal? headroom, DateTimeOffset windowAt) => usage with
    {
        Admissions = slots is > 0 ? SlidingWindow.Add(usage.Admissions, windowAt, slots.Value) : usage.Admissions,
        Reserved = usage.Reserved + (headroom ?? 0m),
    };

    /// <summary>
    /// The scope's usage once a lease gives back what it did not spend: its slots leave the window
    /// entry they were counted in (the lease's end, or the later entry it was merged into, see
    /// <see cref="SlidingWindow.Compact"/>), its headroom the reserved total.
    /// </summary>
    public static ScopeUsage Returning(ScopeUsage usage, long slots, decimal headroom, DateTimeOffset windowAt)
    {
        var window = usage.Admissions;
        if (slots > 0)
        {
            var list = window.ToList();
            var i = list.FindIndex(e => e.At >= windowAt);
            if (i >= 0) list[i] = list[i] with { Amount = Math.Max(0, list[i].Amount - slots) };
            window = list.Where(e => e.Amount > 0).ToList();
        }
        return usage with { Admissions = window, Reserved = usage.Reserved - headroom };
    }
}
