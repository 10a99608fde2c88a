using Ledger.Domain.Consumers;

namespace Ledger.Api.Consumers.Overriding;

/// <summary>A consumer's override on the wire, as PUT takes it and GET lists it.</summary>
public sealed record OverrideView(
    string EndUserId, long? RpmLimit, long? TpmLimit, decimal? MaxBudget, string? BudgetDuration, decimal? PeriodBudget,
    DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd, decimal? MarkupPercentage, string? Notes)
{
    public static OverrideView Of(string endUserId, ConsumerLimits l) => new(
        endUserId, l.RpmLimit, l.TpmLimit, l.MaxBudget, l.BudgetDuration?.ToString().ToLowerInvariant(), l.PeriodBudget,
        l.PeriodStart, l.PeriodEnd, l.MarkupPercentage, l.Notes);
}
