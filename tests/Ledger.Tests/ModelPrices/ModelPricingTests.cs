using System.Net;
using System.Text.Json;
using Ledger.Domain.Usage;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.ModelPrices;

/// <summary>Usage posted without a cost is priced from the price table in force when it happened.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ModelPricingTests(LedgerApp app)
{
    [Fact]
    public async Task usage_without_a_cost_is_priced_from_the_shipped_default()
    {
        var org = await app.Scenarios.OrganizationAsync();

        // gpt-4o ships at 2.50 per million input tokens and 10 per million output tokens.
        await PostUsageAsync(org.Ingest, UncostedUsageRecord("r1", "gpt-4o", input: 1_000_000, output: 500_000)).SucceededAsync();

        Assert.Equal(7.5m, await SpendAsync(org, "tenant_acme"));
    }

    [Fact]
    public async Task the_organizations_own_price_overrides_the_default_and_prices_fractions_to_ten_places()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 1m, 3m), ("acme-llm", 0.123m, 0.456m)]).SucceededAsync();

        await PostUsageAsync(org.Ingest,
            UncostedUsageRecord("r1", "gpt-4o", input: 1000, output: 1000, user: "a"),
            UncostedUsageRecord("r2", "acme-llm", input: 7, output: 3, user: "b")).SucceededAsync();

        Assert.Equal(0.004m, await SpendAsync(org, "a"));
        Assert.Equal(0.000002229m, await SpendAsync(org, "b")); // 7 × 0.123 + 3 × 0.456 = 2.229 per million
    }

    [Fact]
    public async Task a_price_change_keeps_past_spend_and_a_late_record_gets_the_price_in_force_when_it_happened()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var beforeAnyPrice = DateTimeOffset.UtcNow.AddHours(-1);
        await PostUsageAsync(org.Ingest, UncostedUsageRecord("early", "gpt-4o", 1_000_000, 0, user: "early")).SucceededAsync();
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 1m, 1m)]).SucceededAsync();
        var underFirstPrice = DateTimeOffset.UtcNow;
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 3m, 3m)]).SucceededAsync();

        await PostUsageAsync(org.Ingest,
            UncostedUsageRecord("late-1", "gpt-4o", 1_000_000, 0, user: "late_first", at: underFirstPrice),
            UncostedUsageRecord("late-0", "gpt-4o", 1_000_000, 0, user: "late_default", at: beforeAnyPrice),
            UncostedUsageRecord("now", "gpt-4o", 1_000_000, 0, user: "now")).SucceededAsync();

        Assert.Equal(2.5m, await SpendAsync(org, "early")); // settled at the default, and not re-priced
        Assert.Equal(1m, await SpendAsync(org, "late_first"));
        Assert.Equal(2.5m, await SpendAsync(org, "late_default"));
        Assert.Equal(3m, await SpendAsync(org, "now"));
    }

    [Fact]
    public async Task removing_the_organizations_price_brings_back_the_default_for_later_usage()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o-mini", 100m, 100m)]).SucceededAsync();
        await PutModelPricesAsync(org.Owner, org.Id, remove: ["gpt-4o-mini"]).SucceededAsync();

        await PostUsageAsync(org.Ingest, UncostedUsageRecord("r1", "gpt-4o-mini", 1_000_000, 1_000_000)).SucceededAsync();

        Assert.Equal(0.75m, await SpendAsync(org, "tenant_acme"));
    }

    [Fact]
    public async Task a_model_named_with_a_provider_prefix_is_priced_by_the_name_after_it()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await PostUsageAsync(org.Ingest,
            UncostedUsageRecord("r1", "openai/gpt-4o", 1_000_000, 0, user: "a"),
            UncostedUsageRecord("r2", "gemini/gemini-2.5-flash", 0, 1_000_000, user: "b")).SucceededAsync();

        Assert.Equal(2.5m, await SpendAsync(org, "a"));
        Assert.Equal(2.5m, await SpendAsync(org, "b"));
    }

    [Fact]
    public async Task usage_of_a_model_without_a_price_counts_at_cost_zero_and_its_model_is_listed()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var first = DateTimeOffset.UtcNow.AddMinutes(-30);
        var last = DateTimeOffset.UtcNow.AddMinutes(-5);

        await PostUsageAsync(org.Ingest,
            UncostedUsageRecord("r1", "acme-finetune-7b", 100, 50, at: first),
            UncostedUsageRecord("r2", "acme-finetune-7b", 100, 50, at: last),
            UncostedUsageRecord("r3", "gpt-4o", 100, 50)).SucceededAsync();
        await PostUsageAsync(org.Ingest, UncostedUsageRecord("r4", "acme-finetune-7b", 10, 5, at: first)).SucceededAsync();
        await PostUsageAsync(org.Ingest, UsageRecord("r5", model: "other-unknown", cost: 0.2m)).SucceededAsync();

        var consumer = await ConsumerAsync(org, "tenant_acme");
        Assert.Equal(5, consumer.GetProperty("requests").GetInt64());
        Assert.Equal(0.00075m + 0.2m, consumer.GetProperty("total_spend").GetDecimal()); // only gpt-4o's 100 in, 50 out and the given cost
        var model = Assert.Single(await UnpricedAsync(org));
        Assert.Equal("acme-finetune-7b", model.GetProperty("model").GetString());
        Assert.Equal(3, model.GetProperty("requests").GetInt64());
        Assert.Equal(last.ToUnixTimeMilliseconds(), model.GetProperty("last_seen_at").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var stored = await app.Scenarios.StoredUsageAsync(org);
        Assert.Equal([CostSource.Unpriced, CostSource.Unpriced, CostSource.Unpriced],
            stored.Where(u => u.Model == "acme-finetune-7b").Select(u => u.CostSource));
        Assert.Equal(CostSource.PriceTable, stored.Single(u => u.Model == "gpt-4o").CostSource);
        Assert.Null(stored.Single(u => u.Model == "other-unknown").CostSource);
    }

    [Fact]
    public async Task a_cost_given_by_the_gateway_wins_over_any_price()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 50m, 50m)]).SucceededAsync();

        await PostUsageAsync(org.Ingest,
            UsageRecord("r1", "a", input: 1_000_000, output: 1_000_000, cost: 0.5m),
            UsageRecord("r2", "b", input: 1_000_000, output: 1_000_000, cost: 0m, model: "never-priced")).SucceededAsync();

        Assert.Equal(0.5m, await SpendAsync(org, "a"));
        Assert.Equal(0m, await SpendAsync(org, "b"));
        Assert.Empty(await UnpricedAsync(org));
    }

    [Fact]
    public async Task another_organizations_prices_never_price_this_ones_usage()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex");
        await PutModelPricesAsync(acme.Owner, acme.Id, [("gpt-4o", 100m, 100m), ("acme-llm", 1m, 1m)]).SucceededAsync();

        await PostUsageAsync(globex.Ingest,
            UncostedUsageRecord("r1", "gpt-4o", 1_000_000, 0),
            UncostedUsageRecord("r2", "acme-llm", 1_000_000, 0)).SucceededAsync();

        Assert.Equal(2.5m, await SpendAsync(globex, "tenant_acme"));
        Assert.Equal("acme-llm", Assert.Single(await UnpricedAsync(globex)).GetProperty("model").GetString());
        Assert.Empty(await UnpricedAsync(acme));
    }

    private static async Task<decimal> SpendAsync(TestOrganization org, string endUserId) =>
        (await ConsumerAsync(org, endUserId)).GetProperty("total_spend").GetDecimal();

    private static async Task<List<JsonElement>> UnpricedAsync(TestOrganization org) =>
        [.. (await (await org.Owner.GetAsync($"/api/model-prices/unpriced?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("models").EnumerateArray()];
}
