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

/// <summary>The caps a key or a team can be given (SPEC §1); null is no cap of that kind.</summary>
public sealed record RateLimits(long? RpmLimit, long? TpmLimit, decimal? MaxBudget)
{
    public static readonly RateLimits None = new(null, null, null);

    public Caps ToCaps() => new(RpmLimit, TpmLimit, MaxBudget, null);

    /// <summary>The same caps in a consumer's shape, as stored beside consumers' overrides and defaults.</summary>
    public ConsumerLimits ToLimits() => ConsumerLimits.None with { RpmLimit = RpmLimit, TpmLimit = TpmLimit, MaxBudget = MaxBudget };
}

public static class ConsumerCaps
{
    /// <summary>
    /// A consumer's caps: each kind from its own override when that sets it, else from the
    /// organization's defaults. The period budget is taken whole (amount and period) from one of the two.
    /// </summary>
    public static Caps Of(ConsumerLimits own, ConsumerLimits defaults) => new(
        own.RpmLimit ?? defaults.RpmLimit,
        own.TpmLimit ?? defaults.TpmLimit,
        own.MaxBudget ?? defaults.MaxBudget,
        Period(own) ?? Period(defaults));

    private static PeriodCap? Period(ConsumerLimits l) =>
        l.PeriodBudget is { } budget ? new PeriodCap(budget, l.BudgetDuration, l.PeriodStart, l.PeriodEnd) : null;
}
