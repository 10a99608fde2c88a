using System.Net;
using System.Text.RegularExpressions;
using Ledger.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using Snapshooter.Xunit;

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

    [Fact]
    public async Task every_mapped_route_is_an_operation_of_the_document()
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).ToHashSet();

        // Left out on purpose: the dashboard's pages, sign-in link, sign-out and CSV download (cookie
        // sessions, not the JSON API) and /openapi/v1.json and /docs themselves carry
        // ExcludeFromDescription. Routes without an HTTP method (the health probes, /metrics) are
        // plain middleware pipelines, not API operations.
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {OpenApiPath(e.RoutePattern.RawText!)}"))
            .ToList();

        Assert.NotEmpty(routes);
        Assert.All(routes, r => Assert.Contains(r, operations));
    }

    [Fact]
    public async Task operations_that_need_a_token_declare_the_bearer_scheme_and_its_problems()
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var revoke = document.GetProperty("paths").GetProperty("/api/tokens/{token_id}").GetProperty("delete");
        Assert.True(revoke.GetProperty("security")[0].TryGetProperty("Bearer", out _), revoke.ToString());
        var responses = revoke.GetProperty("responses");
        foreach (var status in new[] { "401", "403", "404", "503" })
            Assert.Equal("#/components/schemas/ProblemDetails",
                responses.GetProperty(status).GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(responses.GetProperty("503").GetProperty("headers").TryGetProperty("Retry-After", out _));
        var admit = document.GetProperty("paths").GetProperty("/v1/admissions").GetProperty("post").GetProperty("responses");
        Assert.False(admit.TryGetProperty("404", out _)); // no id in its route
        Assert.True(admit.TryGetProperty("429", out _)); // what the endpoint declares itself is kept
    }

    /// <summary>
    /// The whole contract, held in <c>__snapshots__</c> so that a change to it shows in review. After an
    /// intended change, delete the .snap file, run this test once to write it again, and commit it.
    /// </summary>
    [Fact]
    public async Task the_document_is_the_reviewed_contract()
    {
        var document = JObject.Parse(await (await app.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync());
        document.Remove("servers"); // the address the test server was reached at

        // Snapshooter writes a missing snapshot and passes: a run without the committed file must fail instead.
        var name = Snapshot.FullName();
        Assert.True(File.Exists(Path.Combine(name.FolderPath, "__snapshots__", name.Filename)) || Environment.GetEnvironmentVariable("CI") is null,
            $"{name.Filename} is not committed");
        Snapshot.Match(document);
    }

    /// <summary>A route pattern as OpenAPI writes it: <c>{id:guid}</c> and <c>{*rest}</c> become <c>{id}</c> and <c>{rest}</c>.</summary>
    private static string OpenApiPath(string pattern) =>
        "/" + Regex.Replace(pattern.TrimStart('/'), @"\{\*{0,2}([^}:=?]+)[^}]*\}", "{$1}");
}
