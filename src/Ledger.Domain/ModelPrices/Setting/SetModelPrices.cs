using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.ModelPrices.Setting;

/// <summary>
/// Setting, replacing or removing (a null price) the organization's own prices of some models.
/// One event per model whose price changes, in model order; a price set unchanged, or the removal
/// of a price the organization never set, changes nothing.
/// </summary>
public static class SetModelPrices
{
    public static Decision Decide(
        Organization org, IReadOnlyDictionary<string, ModelPrice?> prices, string actor, DateTimeOffset now)
    {
        var events = new List<object>();
        foreach (var (model, after) in prices.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var before = org.ModelPrices.GetValueOrDefault(model);
            if (before != after) events.Add(new ModelPriceChanged(org.OrganizationId, model, before, after, actor, now));
        }
        return events.Count == 0 ? Decision.Nothing : new Decision(events, null);
    }
}
