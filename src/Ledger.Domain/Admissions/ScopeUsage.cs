namespace Ledger.Domain.Admissions;

/// <summary>Settled tokens of one request, at the time it settled.</summary>
public readonly record struct SettledTokens(DateTimeOffset At, long Tokens);

/// <summary>
/// What one scope has used, as the admission decision needs it. The rate lists need only hold
/// the last 60 seconds; <see cref="PeriodSpend"/> is the settled spend inside the scope's current
/// budget period (<see cref="BudgetPeriod.Current"/>). Reserved amounts are the estimated costs
/// of admissions that have not settled yet. All spend is raw cost: markup never enforces.
/// </summary>
public sealed record ScopeUsage(
    IReadOnlyList<DateTimeOffset> Admissions,
    IReadOnlyList<SettledTokens> Tokens,
    decimal LifetimeSpend,
    decimal PeriodSpend,
    decimal Reserved)
{
    public static readonly ScopeUsage Nothing = new([], [], 0m, 0m, 0m);
}

/// <summary>One applicable scope: its caps and its usage.</summary>
public sealed record ScopeState(CapScope Scope, Caps Caps, ScopeUsage Usage);
