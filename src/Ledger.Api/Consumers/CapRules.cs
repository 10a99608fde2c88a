using FluentValidation;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers;
using Ledger.Domain.Money;

namespace Ledger.Api.Consumers;

/// <summary>The bounds of every cap and budget a consumer can be given, shared by all the ways to set them.</summary>
public static class CapRules
{
    public const long MaxRate = 1_000_000_000;
    public const decimal MaxMoney = 1_000_000_000m;

    /// <summary>rpm and tpm limits: a positive whole number, or null for no cap.</summary>
    public static IRuleBuilderOptions<T, long?> Rate<T>(this IRuleBuilder<T, long?> rule) =>
        rule.InclusiveBetween(1, MaxRate).WithMessage($"'{{PropertyName}}' must be a whole number from 1 to {MaxRate}, or null for no cap.");

    /// <summary>Budgets in USD: from 0, or null for no cap.</summary>
    public static IRuleBuilderOptions<T, decimal?> Money<T>(this IRuleBuilder<T, decimal?> rule) =>
        rule.InclusiveBetween(0, MaxMoney).WithMessage($"'{{PropertyName}}' must be a number from 0 to {MaxMoney}, or null for no cap.")
            .Must(m => m is not { } v || Usd.HasAtMostPlaces(v, Usd.Scale))
            .WithMessage($"'{{PropertyName}}' has more than {Usd.Scale} decimal places; Ledger keeps dollars to {Usd.Scale}.");

    public static IRuleBuilderOptions<T, string?> Notes<T>(this IRuleBuilder<T, string?> rule) =>
        rule.FreeText(ConsumerLimits.NotesMaxLength);

    /// <summary>An end_user_id a consumer can have: an identifier that is not reserved for org-level usage.</summary>
    public static IRuleBuilderOptions<T, string?> ConsumerId<T>(this IRuleBuilder<T, string?> rule, ReservedIdentifiers reserved) =>
        rule.Identifier()
            .Must(s => s is null || !reserved.IsReserved(s))
            .WithMessage("'{PropertyName}' is a reserved identifier: usage under it counts for the organization only, never as a consumer.");
}
