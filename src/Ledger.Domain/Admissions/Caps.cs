using Ledger.Domain.Consumers;

namespace Ledger.Domain.Admissions;

/// <summary>Where a cap is set; caps of every applicable scope stack.</summary>
public enum CapScope
{
    Consumer,
    Key,
    Team,
}

/// <summary>Which cap bit. Rates answer 429, budgets 402.</summary>
public enum LimitKind
{
    Rpm,
    Tpm,
    MaxBudget,
    PeriodBudget,
}

/// <summary>
/// A period budget: <see cref="Budget"/> USD per recurring <see cref="Duration"/> (UTC calendar
/// periods), or over the explicit window [<see cref="Start"/>, <see cref="End"/>).
/// </summary>
public sealed record PeriodCap(decimal Budget, BudgetDuration? Duration, DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>The caps of one scope; null is no cap of that kind.</summary>
public sealed record Caps(long? RpmLimit, long? TpmLimit, decimal? MaxBudget, PeriodCap? Period)
{
    public static readonly Caps None = new(null, null, null, null);
}
