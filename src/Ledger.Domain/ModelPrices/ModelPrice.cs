using Ledger.Domain.Money;

namespace Ledger.Domain.ModelPrices;

/// <summary>What a model costs: US dollars per million input tokens and per million output tokens.</summary>
public sealed record ModelPrice(decimal InputUsdPerMillion, decimal OutputUsdPerMillion)
{
    /// <summary>Far above any model sold today (the dearest list price is in the hundreds), far below an overflow.</summary>
    public const decimal MaxUsdPerMillion = 100_000m;

    /// <summary>A request's cost at this price, under the money rule (<see cref="Usd.Round"/>).</summary>
    public decimal CostOf(long inputTokens, long outputTokens) =>
        Usd.Round((inputTokens * InputUsdPerMillion + outputTokens * OutputUsdPerMillion) / 1_000_000m);
}
