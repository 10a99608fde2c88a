using FluentValidation;
using Ledger.Domain.Consumers;

namespace Ledger.Api.Consumers.Defaults;

/// <summary>Body of <c>PUT /api/end-users/defaults</c>: the organization's default consumer caps, whole; a null field is no default of that kind.</summary>
public sealed record DefaultsRequest(
    string? OrganizationId, long? RpmLimit, long? TpmLimit, decimal? MaxBudget, string? BudgetDuration,
    decimal? PeriodBudget, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd) : IPeriodBudgetFields
{
    public ConsumerLimits Limits => ConsumerLimits.None with
    {
        RpmLimit = RpmLimit,
        TpmLimit = TpmLimit,
        MaxBudget = MaxBudget,
        BudgetDuration = PeriodBudgetRules.Duration(BudgetDuration),
        PeriodBudget = PeriodBudget,
        PeriodStart = PeriodStart?.ToUniversalTime(),
        PeriodEnd = PeriodEnd?.ToUniversalTime(),
    };
}

public sealed class DefaultsRequestValidator : AbstractValidator<DefaultsRequest>
{
    public DefaultsRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.RpmLimit).Rate();
        RuleFor(r => r.TpmLimit).Rate();
        RuleFor(r => r.MaxBudget).Money();
        Include(new PeriodBudgetRules());
    }
}

/// <summary>The organization's default consumer caps on the wire.</summary>
public sealed record DefaultsView(
    long? RpmLimit, long? TpmLimit, decimal? MaxBudget, string? BudgetDuration, decimal? PeriodBudget,
    DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd)
{
    public static DefaultsView Of(ConsumerLimits l) => new(
        l.RpmLimit, l.TpmLimit, l.MaxBudget, l.BudgetDuration?.ToString().ToLowerInvariant(), l.PeriodBudget, l.PeriodStart, l.PeriodEnd);
}
