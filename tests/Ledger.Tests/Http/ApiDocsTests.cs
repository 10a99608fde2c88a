using System.Net;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Http;

/// <summary>The OpenAPI document and its browsable reference, served without a token.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ApiDocsTests(LedgerApp app)
{
    [Fact]
    public async Task the_openapi_document_lists_every_area_of_the_api_in_snake_case()
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("Ledger", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/usage", paths);
        Assert.Contains("/v1/admissions", paths);
        Assert.Contains("/api/consumers/{end_user_id}/activity", paths);
        Assert.Contains("/api/end-users/overrides", paths);
        Assert.Contains("/api/audit-log", paths);
        Assert.Contains("/api/webhooks/{id}/deliveries", paths);
        Assert.Contains("/api/model-prices", paths);
        var tags = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject()).SelectMany(o => o.Value.GetProperty("tags").EnumerateArray()).Select(t => t.GetString()).ToHashSet();
        Assert.Equal(["Activity", "Consumers", "Gateway", "Keys and teams", "Members and tokens", "Model prices", "Webhooks"], tags.Order());
        var usage = document.GetProperty("components").GetProperty("schemas").GetProperty("UsageRecord").GetProperty("properties");
        Assert.True(usage.TryGetProperty("cost_usd", out _), usage.ToString());
    }

    [Fact]
    public async Task the_reference_page_loads_the_document_from_this_server()
    {
        var page = await app.CreateClient().GetAsync("/docs/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Ledger API</title>", html);
        Assert.Contains("openapi/v1.json", html);
        Assert.DoesNotContain("cdn.", html); // its script is served from here: the machines that run Ledger may have no internet
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/docs/scalar.js")).StatusCode);
    }
}
