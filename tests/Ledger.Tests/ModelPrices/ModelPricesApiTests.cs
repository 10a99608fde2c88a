using System.Net;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.ModelPrices;

/// <summary>PUT and GET /api/model-prices: an organization's own prices over the shipped defaults.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ModelPricesApiTests(LedgerApp app)
{
    [Fact]
    public async Task the_table_in_force_shows_the_defaults_and_the_organizations_own_prices_by_source()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");

        var put = await (await PutModelPricesAsync(admin, org.Id, [("gpt-4o", 2m, 8.5m), ("acme-llm", 0.25m, 1m)])).JsonAsync(HttpStatusCode.OK);

        var table = await TableAsync(org.Owner, org.Id);
        Assert.Equal(put.GetRawText(), table.GetRawText());
        var prices = Prices(table);
        Assert.Equal(("organization", 2m, 8.5m), prices["gpt-4o"]);
        Assert.Equal(("organization", 0.25m, 1m), prices["acme-llm"]);
        Assert.Equal(("default", 0.15m, 0.6m), prices["gpt-4o-mini"]);
        Assert.Contains("claude-sonnet-4-5", prices.Keys);
        Assert.Contains("gemini-2.5-pro", prices.Keys);
        Assert.Contains("LiteLLM", table.GetProperty("default_prices").GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.String, table.GetProperty("default_prices").GetProperty("as_of").ValueKind);
    }

    [Fact]
    public async Task removing_a_price_leaves_the_default_in_force_and_other_models_untouched()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 2m, 8m), ("acme-llm", 1m, 1m)]).SucceededAsync();

        await PutModelPricesAsync(org.Owner, org.Id, remove: ["gpt-4o"]).SucceededAsync();

        var prices = Prices(await TableAsync(org.Owner, org.Id));
        Assert.Equal(("default", 2.5m, 10m), prices["gpt-4o"]);
        Assert.Equal(("organization", 1m, 1m), prices["acme-llm"]);
    }

    [Fact]
    public async Task every_price_change_is_audited_with_before_and_after_and_a_put_that_changes_nothing_is_not()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");
        await PutModelPricesAsync(admin, org.Id, [("gpt-4o", 2m, 8m)]).SucceededAsync();
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 3m, 8m)]).SucceededAsync();
        await PutModelPricesAsync(org.Owner, org.Id, [("gpt-4o", 3.0m, 8m)]).SucceededAsync();
        await PutModelPricesAsync(admin, org.Id, remove: ["gpt-4o", "never-set"]).SucceededAsync();

        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var log = await (await org.Owner.GetAsync($"/api/audit-log?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);

        var entries = log.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "model_price_changed").ToList();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal("gpt-4o", e.GetProperty("model").GetString()));
        Assert.Equal(["adam", "alice", "adam"], entries.Select(e => e.GetProperty("actor").GetString()));
        var (removed, changed, set) = (entries[0], entries[1], entries[2]);
        Assert.Equal(JsonValueKind.Null, set.GetProperty("before").ValueKind);
        Assert.Equal(2m, set.GetProperty("after").GetProperty("input_usd_per_million").GetDecimal());
        Assert.Equal(2m, changed.GetProperty("before").GetProperty("input_usd_per_million").GetDecimal());
        Assert.Equal(3m, changed.GetProperty("after").GetProperty("input_usd_per_million").GetDecimal());
        Assert.Equal(8m, changed.GetProperty("after").GetProperty("output_usd_per_million").GetDecimal());
        Assert.Equal(3m, removed.GetProperty("before").GetProperty("input_usd_per_million").GetDecimal());
        Assert.Equal(JsonValueKind.Null, removed.GetProperty("after").ValueKind);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task members_and_viewers_may_neither_read_nor_change_prices(string role)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var other = await app.Scenarios.MemberAsync(org, "someone", role);

        await (await PutModelPricesAsync(other, org.Id, [("gpt-4o", 1m, 1m)])).ProblemAsync(HttpStatusCode.Forbidden);
        await (await other.GetAsync($"/api/model-prices?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await other.GetAsync($"/api/model-prices/unpriced?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.Forbidden);

        await AssertNoOwnPricesAsync(org);
    }

    [Fact]
    public async Task another_organizations_prices_are_invisible_and_cannot_be_changed()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex");
        await PutModelPricesAsync(acme.Owner, acme.Id, [("acme-llm", 1m, 1m)]).SucceededAsync();

        await (await PutModelPricesAsync(globex.Owner, acme.Id, [("gpt-4o", 9m, 9m)])).ProblemAsync(HttpStatusCode.NotFound);
        await (await globex.Owner.GetAsync($"/api/model-prices?organization_id={acme.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await globex.Owner.GetAsync($"/api/model-prices/unpriced?organization_id={acme.Id}")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.DoesNotContain("acme-llm", Prices(await TableAsync(globex.Owner, globex.Id)).Keys);
        Assert.Equal(("default", 2.5m, 10m), Prices(await TableAsync(acme.Owner, acme.Id))["gpt-4o"]);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"prices":[{"model":"gpt-4o","input_usd_per_million":-1,"output_usd_per_million":1}]}""", "prices[0].input_usd_per_million" },
        { """{"prices":[{"model":"","input_usd_per_million":1,"output_usd_per_million":1}]}""", "prices[0].model" },
        { """{"prices":[{"input_usd_per_million":1,"output_usd_per_million":1}]}""", "prices[0].model" },
        { """{"prices":[{"model":"gpt-4o","input_usd_per_million":1}]}""", "prices[0].output_usd_per_million" },
        { """{"prices":[{"model":"gpt-4o","input_usd_per_million":1,"output_usd_per_million":100001}]}""", "prices[0].output_usd_per_million" },
        { """{"prices":[{"model":"gpt-4o","input_usd_per_million":0.00000000001,"output_usd_per_million":1}]}""", "prices[0].input_usd_per_million" },
        { """{"prices":[{"model":"gpt\u200b-4o","input_usd_per_million":1,"output_usd_per_million":1}]}""", "prices[0].model" },
        { """{"prices":[{"model":"gpt-4o","input_usd_per_million":"1","output_usd_per_million":1}]}""", "prices[0].input_usd_per_million" },
        { """{"prices":[{"model":"gpt-4o","input_usd_per_million":1,"output_usd_per_million":1,"currency":"EUR"}]}""", "prices[0].currency" },
        { """{"prices":[null]}""", "prices[0]" },
        { """{"prices":[{"model":"gpt-4o","input_usd_per_million":1,"output_usd_per_million":1},{"model":"gpt-4o","input_usd_per_million":2,"output_usd_per_million":2}]}""", "prices" },
        { """{"prices":[{"model":"gpt-4o","input_usd_per_million":1,"output_usd_per_million":1}],"remove":["gpt-4o"]}""", "prices" },
        { """{"remove":[""]}""", "remove[0]" },
        { """{"prices":[],"remove":[]}""", "prices" },
        { """{"price":[{"model":"gpt-4o","input_usd_per_million":1,"output_usd_per_million":1}]}""", "price" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task bad_input_is_refused_with_a_problem_naming_the_field_and_changes_nothing(string body, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var json = $"{{\"organization_id\":\"{org.Id}\",{body[1..]}";

        var problem = await (await PostRawAsync(org.Owner, "/api/model-prices", json, method: "PUT")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(problem.ErrorFields(), f => f.Contains(field, StringComparison.Ordinal));
        await AssertNoOwnPricesAsync(org);
    }

    private static async Task AssertNoOwnPricesAsync(TestOrganization org) =>
        Assert.DoesNotContain(Prices(await TableAsync(org.Owner, org.Id)).Values, p => p.Source == "organization");

    private static async Task<JsonElement> TableAsync(HttpClient client, Guid org) =>
        await (await client.GetAsync($"/api/model-prices?organization_id={org}")).JsonAsync(HttpStatusCode.OK);

    private static Dictionary<string, (string Source, decimal Input, decimal Output)> Prices(JsonElement table) =>
        table.GetProperty("prices").EnumerateArray().ToDictionary(p => p.GetProperty("model").GetString()!, p => (
            p.GetProperty("source").GetString()!, p.GetProperty("input_usd_per_million").GetDecimal(), p.GetProperty("output_usd_per_million").GetDecimal()));
}
