using Ledger.Domain.Usage;

namespace Ledger.Domain.ModelPrices.Pricing;

/// <summary>
/// The organization prices of some models over time, with the shipped defaults beneath them: prices
/// usage that came without a cost at the price in force when it happened (its occurred_at).
/// A model is looked up by its full name, then by the part after its last '/' ("openai/gpt-4o" is
/// priced as "gpt-4o"); under each name the organization's own price wins over the default.
/// </summary>
public sealed class PriceHistory(IEnumerable<PriceHistory.Entry> entries)
{
    /// <summary>From <see cref="From"/> on, the organization's price was <see cref="Price"/>; null: its own price was removed.</summary>
    public sealed record Entry(Guid OrganizationId, string Model, DateTimeOffset From, ModelPrice? Price);

    private readonly ILookup<(Guid, string), Entry> _entries = entries.ToLookup(e => (e.OrganizationId, e.Model));

    /// <summary>The names a model's price is looked up by, in order.</summary>
    public static IEnumerable<string> Names(string model)
    {
        yield return model;
        var slash = model.LastIndexOf('/');
        if (slash >= 0 && slash < model.Length - 1) yield return model[(slash + 1)..];
    }

    public ModelPrice? InForce(Guid organizationId, string model, DateTimeOffset at)
    {
        foreach (var name in Names(model))
        {
            var own = _entries[(organizationId, name)].Where(e => e.From <= at).MaxBy(e => e.From);
            if ((own?.Price ?? DefaultModelPrices.Of(name)) is { } price) return price;
        }
        return null;
    }

    /// <summary>
    /// Usage the gateway gave no cost (<see cref="CostSource.Unpriced"/>) with the cost of its tokens
    /// at the price in force; without a price it stays unpriced at cost 0. A given cost is kept.
    /// </summary>
    public UsageSettled Price(UsageSettled usage) =>
        usage.CostSource is CostSource.Unpriced && InForce(usage.OrganizationId, usage.Model, usage.OccurredAt) is { } price
            ? usage with { CostUsd = price.CostOf(usage.InputTokens, usage.OutputTokens), CostSource = CostSource.PriceTable }
            : usage;
}
