using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Ledger.Api.Organizations.Creating;

namespace Ledger.Tests.Infrastructure;

/// <summary>The givens of the API tests, built through the same paths a user takes.</summary>
public sealed class Scenarios(LedgerApp app)
{
    public sealed record TestOrganization(Guid Id, HttpClient Owner, HttpClient Ingest, HttpClient Anonymous);

    /// <summary>A new organization with its owner and ingest tokens, as <c>ledger org create</c> makes it.</summary>
    public async Task<TestOrganization> OrganizationAsync(string name = "acme-inc", string owner = "alice")
    {
        var created = await OrganizationCreation.CreateAsync(app.Store, name, owner, DateTimeOffset.UtcNow);
        return new TestOrganization(created.OrganizationId, Client(created.OwnerToken), Client(created.IngestToken), app.CreateClient());
    }

    public HttpClient Client(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static object UsageRecord(string requestId, string? user = "tenant_acme", string key = "key_prod_1",
        long input = 100, long output = 50, decimal cost = 0.01m, string status = "success", DateTimeOffset? at = null) =>
        new
        {
            request_id = requestId,
            key_id = key,
            user,
            model = "gpt-4o",
            provider = "openai",
            input_tokens = input,
            output_tokens = output,
            cost_usd = cost,
            status,
            latency_ms = 420,
            occurred_at = at,
        };

    public static async Task<HttpResponseMessage> PostUsageAsync(HttpClient ingest, params object[] records) =>
        await ingest.PostAsJsonAsync("/v1/usage", records.Length == 1 ? records[0] : records);

    public static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string body, string type = "application/json") =>
        await client.PostAsync(path, new StringContent(body, Encoding.UTF8, type));
}
