using Ledger.Domain.ModelPrices;
using Ledger.Domain.ModelPrices.Pricing;
using Ledger.Domain.Usage;

namespace Ledger.Tests.Domain.ModelPrices;

public sealed class PriceHistoryTests
{
    private static readonly Guid Org = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void the_price_in_force_is_the_latest_set_at_or_before_the_time_and_a_removal_brings_back_the_default()
    {
        var history = new PriceHistory([
            new(Org, "gpt-4o", T0.AddHours(1), new ModelPrice(1m, 1m)),
            new(Org, "gpt-4o", T0.AddHours(2), new ModelPrice(3m, 3m)),
            new(Org, "gpt-4o", T0.AddHours(3), null),
        ]);

        Assert.Equal(DefaultModelPrices.Of("gpt-4o"), history.InForce(Org, "gpt-4o", T0));
        Assert.Equal(new ModelPrice(1m, 1m), history.InForce(Org, "gpt-4o", T0.AddHours(1)));
        Assert.Equal(new ModelPrice(3m, 3m), history.InForce(Org, "gpt-4o", T0.AddHours(2.5)));
        Assert.Equal(DefaultModelPrices.Of("gpt-4o"), history.InForce(Org, "gpt-4o", T0.AddHours(4)));
        Assert.Equal(DefaultModelPrices.Of("gpt-4o"), history.InForce(Guid.NewGuid(), "gpt-4o", T0.AddHours(2.5)));
    }

    [Fact]
    public void a_prefixed_name_is_looked_up_whole_first_then_by_the_part_after_its_last_slash()
    {
        var history = new PriceHistory([
            new(Org, "azure/gpt-4o", T0, new ModelPrice(7m, 7m)),
            new(Org, "acme-llm", T0, new ModelPrice(2m, 2m)),
        ]);

        Assert.Equal(new ModelPrice(7m, 7m), history.InForce(Org, "azure/gpt-4o", T0));
        Assert.Equal(DefaultModelPrices.Of("gpt-4o"), history.InForce(Org, "openai/gpt-4o", T0));
        Assert.Equal(new ModelPrice(2m, 2m), history.InForce(Org, "bedrock/us/acme-llm", T0));
        Assert.Null(history.InForce(Org, "acme-llm/", T0));
        Assert.Null(history.InForce(Org, "unknown", T0));
    }

    [Fact]
    public void only_usage_without_a_cost_is_priced_and_the_cost_follows_the_money_rule()
    {
        var history = new PriceHistory([new(Org, "m", T0, new ModelPrice(0.3m, 0.7m))]);
        var usage = new UsageSettled(Org, "r", "k", null, "u", "m", null, 1, 1, 0m, UsageStatus.Success, null, T0);

        var priced = history.Price(usage with { CostSource = CostSource.Unpriced });

        Assert.Equal((0.000001m, CostSource.PriceTable), (priced.CostUsd, priced.CostSource));
        Assert.Equal(usage with { CostUsd = 0.5m }, history.Price(usage with { CostUsd = 0.5m }));
        Assert.Equal(CostSource.Unpriced, history.Price(usage with { Model = "x", CostSource = CostSource.Unpriced }).CostSource);
        Assert.Equal(0.0000000001m, new ModelPrice(0.00005m, 0m).CostOf(1, 0)); // 5e-11 rounds half away from zero
    }
}
