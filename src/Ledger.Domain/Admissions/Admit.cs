namespace Ledger.Domain.Admissions;

/// <summary>The cap that refused a request: which scope and kind, its limit, the observed value, and when a rate frees up.</summary>
public sealed record CapHit(CapScope Scope, LimitKind Kind, decimal Limit, decimal Current, TimeSpan? RetryAfter);

/// <summary>
/// The admission decision (SPEC §4), a pure function of (caps and usage of every applicable
/// scope, now). Every cap of every scope applies; when several refuse, the one reported is the
/// first by kind (rpm, tpm, lifetime budget, period budget), then the tightest (smallest limit),
/// then by scope (consumer, key, team).
/// </summary>
public static class Admit
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>Null when the request may go ahead.</summary>
    public static CapHit? Decide(IReadOnlyList<ScopeState> scopes, DateTimeOffset now)
    {
        // Indexed, and hits made only when they happen: a request that passes allocates nothing.
        CapHit? reported = null;
        for (var i = 0; i < scopes.Count; i++) reported = Hits(scopes[i], now, reported);
        return reported;
    }

    /// <summary>Which of the scope's caps refuse, folded into the hit reported so far.</summary>
    private static CapHit? Hits(ScopeState state, DateTimeOffset now, CapHit? reported)
    {
        var (caps, usage) = (state.Caps, state.Usage);
        if (caps.RpmLimit is { } rpm && RateHit(usage.Admissions, rpm, now) is var (admitted, rpmFrees))
            reported = First(reported, new CapHit(state.Scope, LimitKind.Rpm, rpm, admitted, rpmFrees));
        if (caps.TpmLimit is { } tpm && RateHit(usage.Tokens, tpm, now) is var (tokens, tpmFrees))
            reported = First(reported, new CapHit(state.Scope, LimitKind.Tpm, tpm, tokens, tpmFrees));
        if (caps.MaxBudget is { } max && usage.LifetimeSpend + usage.Reserved >= max)
            reported = First(reported, new CapHit(state.Scope, LimitKind.MaxBudget, max, usage.LifetimeSpend + usage.Reserved, null));
        if (caps.Period is { } period && BudgetPeriod.Current(period, now) is not null && usage.PeriodSpend + usage.Reserved >= period.Budget)
            reported = First(reported, new CapHit(state.Scope, LimitKind.PeriodBudget, period.Budget, usage.PeriodSpend + usage.Reserved, null));
        return reported;
    }

    /// <summary>Which of two hits a refusal names: the first by kind, then the smaller limit, then by scope.</summary>
    private static CapHit First(CapHit? a, CapHit b) =>
        a is null ? b
        : a.Kind != b.Kind ? (a.Kind < b.Kind ? a : b)
        : a.Limit != b.Limit ? (a.Limit < b.Limit ? a : b)
        : a.Scope <= b.Scope ? a : b;

    /// <summary>
    /// A rate is hit when what the window holds has reached the limit; it frees up once enough of
    /// the oldest entries have aged out for the sum to fall under the limit.
    /// </summary>
    private static (long Used, TimeSpan RetryAfter)? RateHit(IReadOnlyList<WindowEntry> window, long limit, DateTimeOffset now)
    {
        // Most requests pass: sum without allocating, and order the entries only for a refusal's Retry-After.
        var used = SlidingWindow.Sum(window, now);
        if (used < limit) return null;
        var inside = SlidingWindow.Inside(window, now).OrderBy(e => e.At).ToList();
        var left = used;
        foreach (var e in inside)
        {
            left -= e.Amount;
            if (left < limit) return (used, e.At + Window - now);
        }
        return (used, inside[^1].At + Window - now);
    }
}
