using FluentValidation;
using Ledger.Api.Validation;
using Ledger.Domain.ModelPrices;
using Ledger.Domain.Money;

namespace Ledger.Api.ModelPrices.Setting;

/// <summary>
/// Body of <c>PUT /api/model-prices</c>: the organization's own prices to set or replace, and the
/// models whose own price to remove (the shipped default applies again). Models not named keep their price.
/// </summary>
public sealed record ModelPricesRequest(string? OrganizationId, IReadOnlyList<ModelPriceEntry?>? Prices, IReadOnlyList<string?>? Remove)
{
    public const int MaxModels = 1000;

    /// <summary>Each model named, with its new price or null for a removal; call only on a validated request.</summary>
    public IReadOnlyDictionary<string, ModelPrice?> Changes =>
        (Prices ?? []).Select(p => (p!.Model!, (ModelPrice?)new ModelPrice(p.InputUsdPerMillion!.Value, p.OutputUsdPerMillion!.Value)))
            .Concat((Remove ?? []).Select(m => (m!, (ModelPrice?)null)))
            .ToDictionary(c => c.Item1, c => c.Item2, StringComparer.Ordinal);

    public IEnumerable<string?> Models => (Prices ?? []).Select(p => p?.Model).Concat(Remove ?? []);
}

public sealed record ModelPriceEntry(string? Model, decimal? InputUsdPerMillion, decimal? OutputUsdPerMillion);

public sealed class ModelPricesRequestValidator : AbstractValidator<ModelPricesRequest>
{
    public ModelPricesRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.Models).Must(m => m.Any()).OverridePropertyName("prices")
            .WithMessage("Give at least one price to set in 'prices' or one model to remove in 'remove'.")
            .Must(m => m.Count() <= ModelPricesRequest.MaxModels)
            .WithMessage($"A request names at most {ModelPricesRequest.MaxModels} models.")
            .Must(m => m.Where(s => s is not null).GroupBy(s => s, StringComparer.Ordinal).All(g => g.Count() == 1))
            .WithMessage("Each model may appear once, in 'prices' or in 'remove'.");
        RuleForEach(r => r.Prices).NotNull().WithMessage("A price must be an object, not null.").ChildRules(p =>
        {
            p.RuleFor(e => e!.Model).Identifier();
            p.RuleFor(e => e!.InputUsdPerMillion).Price();
            p.RuleFor(e => e!.OutputUsdPerMillion).Price();
        });
        RuleForEach(r => r.Remove).Identifier();
    }
}

/// <summary>USD per million tokens: required, from 0, with no more places than Ledger keeps.</summary>
internal static class PriceRules
{
    public static IRuleBuilderOptions<T, decimal?> Price<T>(this IRuleBuilder<T, decimal?> rule) =>
        rule.NotNull().WithMessage("'{PropertyName}' is required.")
            .InclusiveBetween(0, ModelPrice.MaxUsdPerMillion).WithMessage($"'{{PropertyName}}' must be a number from 0 to {ModelPrice.MaxUsdPerMillion}.")
            .Must(m => m is not { } v || Usd.HasAtMostPlaces(v, Usd.Scale))
            .WithMessage($"'{{PropertyName}}' has more than {Usd.Scale} decimal places; Ledger keeps dollars to {Usd.Scale}.");
}
