using Ledger.Domain.Admissions;

namespace Ledger.Domain.Alerts;

/// <summary>A budget threshold a consumer's spend has reached: which cap, in which period, at what share.</summary>
public sealed record ThresholdCrossing(
    string Cap, int Percent, decimal Limit, decimal Current, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd)
{
    /// <summary>What makes a crossing one of a kind: it fires once per consumer, cap, period and threshold.</summary>
    public string Period => PeriodStart is { } start ? start.UtcDateTime.ToString("O") : BudgetThresholds.Lifetime;
}

/// <summary>
/// Budget alerts: a consumer's spend reaching 50 %, 80 % and 100 % of its lifetime budget
/// (<c>max_budget</c>) or of its current period budget (<c>period_budget</c>). Every threshold
/// reached is listed; which of them were announced before is the caller's record to keep.
/// </summary>
public static class BudgetThresholds
{
    public static readonly int[] Percents = [50, 80, 100];

    public const string MaxBudget = "max_budget";
    public const string PeriodBudget = "period_budget";
    public const string Lifetime = "lifetime";

    public static IReadOnlyList<ThresholdCrossing> Reached(Caps caps, ScopeUsage usage, DateTimeOffset now)
    {
        var reached = new List<ThresholdCrossing>();
        if (caps.MaxBudget is { } max)
            reached.AddRange(Of(MaxBudget, max, usage.LifetimeSpend, null, null));
        if (caps.Period is { } period && BudgetPeriod.Current(period, now) is var (start, end))
            reached.AddRange(Of(PeriodBudget, period.Budget, usage.PeriodSpend, start, end));
        return reached;
    }

    private static IEnumerable<ThresholdCrossing> Of(string cap, decimal limit, decimal current, DateTimeOffset? start, DateTimeOffset? end) =>
        limit <= 0 ? [] : Percents.Where(p => current * 100 >= limit * p).Select(p => new ThresholdCrossing(cap, p, limit, current, start, end));
}
