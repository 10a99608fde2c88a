namespace Ledger.Domain.Admissions;

/// <summary>
/// An amount (admissions or tokens) counted at a moment of a sliding window. Entries may be
/// merged into a later moment (<see cref="SlidingWindow.Compact"/>), never an earlier one, so a
/// merged window counts at least what the exact one would.
/// </summary>
public readonly record struct WindowEntry(DateTimeOffset At, long Amount);

/// <summary>
/// What one scope has used, as the admission decision needs it. The window lists need only hold
/// the last 60 seconds; <see cref="PeriodSpend"/> is the settled spend inside the scope's current
/// budget period (<see cref="BudgetPeriod.Current"/>). Reserved amounts are the estimated costs
/// of admissions that have not settled yet. All spend is raw cost: markup never enforces.
/// </summary>
public sealed record ScopeUsage(
    IReadOnlyList<WindowEntry> Admissions,
    IReadOnlyList<WindowEntry> Tokens,
    decimal LifetimeSpend,
    decimal PeriodSpend,
    decimal Reserved)
{
    public static readonly ScopeUsage Nothing = new([], [], 0m, 0m, 0m);

    /// <summary>The usage once one more request is admitted now, holding its estimated cost.</summary>
    public ScopeUsage Admitting(DateTimeOffset now, decimal estimatedCost) =>
        this with { Admissions = SlidingWindow.Add(Admissions, now, 1), Reserved = Reserved + estimatedCost };
}

/// <summary>One applicable scope: its caps and its usage.</summary>
public sealed record ScopeState(CapScope Scope, Caps Caps, ScopeUsage Usage);
