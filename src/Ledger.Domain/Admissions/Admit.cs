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
    public static CapHit? Decide(IReadOnlyList<ScopeState> scopes, DateTimeOffset now) =>
        scopes.SelectMany(s => Hits(s, now))
            .OrderBy(h => h.Kind).ThenBy(h => h.Limit).ThenBy(h => h.Scope)
            .FirstOrDefault();

    private static IEnumerable<CapHit> Hits(ScopeState state, DateTimeOffset now)
    {
        var (caps, usage, since) = (state.Caps, state.Usage, now - Window);
        if (caps.RpmLimit is { } rpm)
        {
            // In the window: admitted after now - 60 s. An admission exactly 60 s old has aged out.
            var admitted = usage.Admissions.Where(a => a > since).Order().ToList();
            if (admitted.Count >= rpm)
                yield return new CapHit(state.Scope, LimitKind.Rpm, rpm, admitted.Count, admitted[^(int)rpm] + Window - now);
        }
        if (caps.TpmLimit is { } tpm)
        {
            var tokens = usage.Tokens.Where(t => t.At > since).OrderBy(t => t.At).ToList();
            var used = tokens.Sum(t => t.Tokens);
            if (used >= tpm)
                yield return new CapHit(state.Scope, LimitKind.Tpm, tpm, used, FreesAt(tokens, used, tpm) + Window - now);
        }
        if (caps.MaxBudget is { } max && usage.LifetimeSpend + usage.Reserved >= max)
            yield return new CapHit(state.Scope, LimitKind.MaxBudget, max, usage.LifetimeSpend + usage.Reserved, null);
        if (caps.Period is { } period && BudgetPeriod.Current(period, now) is not null && usage.PeriodSpend + usage.Reserved >= period.Budget)
            yield return new CapHit(state.Scope, LimitKind.PeriodBudget, period.Budget, usage.PeriodSpend + usage.Reserved, null);
    }

    /// <summary>When enough of the oldest tokens have aged out for the sum to fall under the limit.</summary>
    private static DateTimeOffset FreesAt(List<SettledTokens> oldestFirst, long used, long limit)
    {
        foreach (var t in oldestFirst)
        {
            used -= t.Tokens;
            if (used < limit) return t.At;
        }
        return oldestFirst[^1].At;
    }
}
