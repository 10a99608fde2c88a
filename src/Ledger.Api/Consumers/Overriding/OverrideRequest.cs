using FluentValidation;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers;

namespace Ledger.Api.Consumers.Overriding;

/// <summary>Body of <c>PUT /api/end-users/overrides</c>: the whole override; a null field is no cap of that kind.</summary>
public sealed record OverrideRequest(
    string? OrganizationId, string? EndUserId, long? RpmLimit, long? TpmLimit, decimal? MaxBudget, string? BudgetDuration,
    decimal? PeriodBudget, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd, decimal? MarkupPercentage, string? Notes)
{
    public static readonly string[] Durations = ["daily", "weekly", "monthly", "yearly"];

    public ConsumerLimits Limits => new(
        RpmLimit, TpmLimit, MaxBudget,
        BudgetDuration is null ? null : Enum.Parse<BudgetDuration>(BudgetDuration, ignoreCase: true),
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
        RuleFor(r => r.PeriodBudget).Money();
        RuleFor(r => r.MarkupPercentage).InclusiveBetween(0, MaxMarkup)
            .WithMessage($"'markup_percentage' must be a number from 0 to {MaxMarkup}, or null for no markup.");
        RuleFor(r => r.Notes).Notes();
        RuleFor(r => r.BudgetDuration).Must(d => d is null || OverrideRequest.Durations.Contains(d))
            .WithMessage($"'budget_duration' must be one of {string.Join(", ", OverrideRequest.Durations)}, or null.");

        // A period budget needs exactly one period: a recurring duration or an explicit window.
        RuleFor(r => r.PeriodBudget).NotNull().When(r => r.BudgetDuration is not null || r.PeriodStart is not null || r.PeriodEnd is not null)
            .WithMessage("'period_budget' is required with budget_duration or period_start/period_end.");
        RuleFor(r => r.BudgetDuration).NotNull().When(r => r.PeriodBudget is not null && r.PeriodStart is null && r.PeriodEnd is null)
            .WithMessage("'period_budget' needs budget_duration, or period_start and period_end.");
        RuleFor(r => r.BudgetDuration).Null().When(r => r.PeriodStart is not null || r.PeriodEnd is not null)
            .WithMessage("Give budget_duration or period_start/period_end, not both.");
        RuleFor(r => r.PeriodEnd).NotNull().When(r => r.PeriodStart is not null)
            .WithMessage("'period_end' is required with period_start.");
        RuleFor(r => r.PeriodStart).NotNull().When(r => r.PeriodEnd is not null)
            .WithMessage("'period_start' is required with period_end.");
        RuleFor(r => r.PeriodEnd).GreaterThan(r => r.PeriodStart).When(r => r.PeriodStart is not null && r.PeriodEnd is not null)
            .WithMessage("'period_end' must be after period_start.");
    }
}
