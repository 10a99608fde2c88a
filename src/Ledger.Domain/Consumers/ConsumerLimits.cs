namespace Ledger.Domain.Consumers;

public enum BudgetDuration
{
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// <summary>
/// A consumer's own caps and budget (its override). A null field is no cap of that kind: the
/// key's, team's and organization's caps still apply. <see cref="MarkupPercentage"/> changes
/// reported spend only, never enforcement.
/// </summary>
public sealed record ConsumerLimits(
    long? RpmLimit,
    long? TpmLimit,
    decimal? MaxBudget,
    BudgetDuration? BudgetDuration,
    decimal? PeriodBudget,
    DateTimeOffset? PeriodStart,
    DateTimeOffset? PeriodEnd,
    decimal? MarkupPercentage,
    string? Notes)
{
    public static readonly ConsumerLimits None = new(null, null, null, null, null, null, null, null, null);

    public const int NotesMaxLength = 500;

    /// <summary>A method, not a property, so that it is never serialized into events.</summary>
    public bool SetsNothing() => this == None;
}
