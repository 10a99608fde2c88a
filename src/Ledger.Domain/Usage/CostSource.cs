namespace Ledger.Domain.Usage;

/// <summary>Where Ledger took a request's cost from when the gateway gave none (<see cref="UsageSettled.CostSource"/>).</summary>
public enum CostSource
{
    /// <summary>Priced from the organization's price table (its own prices over the shipped defaults).</summary>
    PriceTable,

    /// <summary>No price was known for the model: counted at cost 0, and the model listed as unpriced.</summary>
    Unpriced,
}
