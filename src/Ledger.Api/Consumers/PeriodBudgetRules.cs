using FluentValidation;
using Ledger.Domain.Consumers;

namespace Ledger.Api.Consumers;

/// <summary>The period budget fields of a consumer override and of the organization's consumer defaults.</summary>
public interface IPeriodBudgetFields
{
    string? BudgetDuration { get; }
    decimal? PeriodBudget { get; }
    DateTimeOffset? PeriodStart { get; }
    DateTimeOffset? PeriodEnd { get; }
}

/// <summary>A period budget needs exactly one period: a recurring duration or an explicit window.</summary>
public sealed class PeriodBudgetRules : AbstractValidator<IPeriodBudgetFields>
{
    public static readonly string[] Durations = ["daily", "weekly", "monthly", "yearly"];

    public static BudgetDuration? Duration(string? wire) => wire is null ? null : Enum.Parse<BudgetDuration>(wire, ignoreCase: true);

    public PeriodBudgetRules()
    {
        RuleFor(r => r.PeriodBudget).Money();
        RuleFor(r => r.BudgetDuration).Must(d => d is null || Durations.Contains(d))
            .WithMessage($"'budget_duration' must be one of {string.Join(", ", Durations)}, or null.");
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
