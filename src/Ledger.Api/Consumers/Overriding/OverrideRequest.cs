using FluentValidation;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers;
using Ledger.Domain.Money;

namespace Ledger.Api.Consumers.Overriding;

/// <summary>Body of <c>PUT /api/end-users/overrides</c>: the whole override; a null field is no cap of that kind.</summary>
public sealed record OverrideRequest(
    string? OrganizationId, string? EndUserId, long? RpmLimit, long? TpmLimit, decimal? MaxBudget, string? BudgetDuration,
    decimal? PeriodBudget, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd, decimal? MarkupPercentage, string? Notes)
    : IPeriodBudgetFields
{
    public ConsumerLimits Limits => new(
        RpmLimit, TpmLimit, MaxBudget, PeriodBudgetRules.Duration(BudgetDuration),
        PeriodBudget, PeriodStart?.ToUniversalTime(), PeriodEnd?.ToUniversalTime(), MarkupPercentage,
        string.IsNullOrEmpty(Notes) ? null : Notes);
}

public sealed class OverrideRequestValidator : AbstractValidator<OverrideRequest>
{
    public const decimal MaxMarkup = 1000m;

    public OverrideRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.EndUserId).Identifier();
        RuleFor(r => r.RpmLimit).Rate();
        RuleFor(r => r.TpmLimit).Rate();
        RuleFor(r => r.MaxBudget).Money();
        RuleFor(r => r.MarkupPercentage).InclusiveBetween(0, MaxMarkup)
            .WithMessage($"'markup_percentage' must be a number from 0 to {MaxMarkup}, or null for no markup.")
            .Must(m => m is not { } v || Usd.HasAtMostPlaces(v, Usd.MarkupScale))
            .WithMessage($"'markup_percentage' has more than {Usd.MarkupScale} decimal places.");
        RuleFor(r => r.Notes).Notes();
        Include(new PeriodBudgetRules());
    }
}
