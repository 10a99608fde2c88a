using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ledger.Api.Organizations.Creating;
using Ledger.Domain.Usage;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.OrganizationUsage;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ledger.Tests.Infrastructure;

/// <summary>The givens of the API tests, built through the same paths a user takes.</summary>
public sealed class Scenarios(LedgerApp app)
{
    public sealed record TestOrganization(Guid Id, HttpClient Owner, HttpClient Ingest, HttpClient Anonymous);

    /// <summary>A new organization with its owner and ingest tokens, as <c>ledger org create</c> makes it.</summary>
    public async Task<TestOrganization> OrganizationAsync(string name = "acme-inc", string owner = "alice")
    {
        var created = await OrganizationCreation.CreateAsync(app.Store, name, owner, DateTimeOffset.UtcNow);
        return new TestOrganization(created.OrganizationId, Client(created.OwnerToken), Client(created.IngestToken), app.NewClient());
    }

    /// <summary>A member added by the organization's owner with POST /api/members; the client carries its token.</summary>
    public async Task<HttpClient> MemberAsync(TestOrganization org, string userId, string role)
    {
        var response = await org.Owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = userId, role });
        var body = await response.JsonAsync(System.Net.HttpStatusCode.Created);
        return Client(body.GetProperty("token").GetString()!);
    }

    /// <summary>Registers a gateway key owned by a member, through POST /api/keys.</summary>
    public static async Task RegisterKeyAsync(TestOrganization org, string keyId, string owner, string? team = "production")
    {
        var response = await org.Owner.PostAsJsonAsync("/api/keys", new { organization_id = org.Id, key_id = keyId, team_id = team, owner_user_id = owner });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<HttpResponseMessage> PreRegisterAsync(HttpClient client, Guid org, string endUserId,
        decimal? maxBudget = null, long? rpm = null, long? tpm = null, string? notes = null) =>
        await client.PostAsJsonAsync("/api/end-users/create",
            new { organization_id = org, end_user_id = endUserId, max_budget = maxBudget, rpm_limit = rpm, tpm_limit = tpm, notes });

    public static async Task<HttpResponseMessage> AddTagAsync(HttpClient client, Guid org, string endUserId, string tag) =>
        await client.PostAsJsonAsync("/api/end-users/tags", new { organization_id = org, end_user_id = endUserId, tag });

    /// <summary>PUT /api/end-users/overrides with the given fields; every field left out is sent as null (no cap).</summary>
    public static async Task<HttpResponseMessage> PutOverrideAsync(HttpClient client, Guid org, string endUserId, object? fields = null)
    {
        var body = new Dictionary<string, object?> { ["organization_id"] = org, ["end_user_id"] = endUserId };
        foreach (var p in fields?.GetType().GetProperties() ?? []) body[p.Name] = p.GetValue(fields);
        return await client.PutAsJsonAsync("/api/end-users/overrides", body);
    }

    /// <summary>A consumer's row as GET /api/consumers lists it (its requests, tokens and total_spend).</summary>
    public static async Task<JsonElement> ConsumerAsync(TestOrganization org, string endUserId) =>
        (await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("consumers").EnumerateArray().Single(r => r.GetProperty("end_user_id").GetString() == endUserId);

    /// <summary>The organization's stored usage events, for what no read shows (team, provider, latency, cost source).</summary>
    public async Task<IReadOnlyList<UsageSettled>> StoredUsageAsync(TestOrganization org)
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryRawEventDataOnly<UsageSettled>().Where(u => u.OrganizationId == org.Id).ToListAsync();
    }

    /// <summary>Waits until the async projections (the audit trail) have caught up with every event.</summary>
    /// <summary>The organization's activity rows (GET /v1/activity) once the async projections have caught up.</summary>
    public async Task<List<JsonElement>> ActivityAsync(TestOrganization org)
    {
        await AsyncProjectionsCaughtUpAsync();
        return [.. (await (await org.Owner.GetAsync("/v1/activity")).JsonAsync(HttpStatusCode.OK)).GetProperty("data").EnumerateArray()];
    }

    /// <summary>Requests the organization has stored, as GET /api/usage/totals counts them.</summary>
    public static async Task<long> RequestsAsync(TestOrganization org) =>
        (await (await org.Owner.GetAsync($"/api/usage/totals?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK)).GetProperty("requests").GetInt64();

    /// <summary>The async projections have processed every event stored now, and the consumer list's orders reflect every consumer row as it is now.</summary>
    public async Task AsyncProjectionsCaughtUpAsync()
    {
        // The host's own database: a test may point it elsewhere than app.ConnectionString (LEDGER_DB in its settings).
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        var changes = new Dictionary<Guid, long>();
        await using (var command = dataSource.CreateCommand($"select organization_id, consumer_changes from {OrganizationUsageTable.Name}"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) changes[reader.GetGuid(0)] = reader.GetInt64(1);
        await Marten.Events.TestingExtensions.WaitForNonStaleProjectionDataAsync(app.Store, TimeSpan.FromSeconds(30));
        await using var behind = dataSource.CreateCommand(
            $"""
            select count(*) from unnest($1::uuid[], $2::bigint[]) s(organization_id, consumer_changes)
            left join {ConsumerRankingTable.Progress} p using (organization_id)
            where coalesce(p.consumer_changes, -1) < s.consumer_changes
            """);
        behind.Parameters.Add(new NpgsqlParameter { Value = changes.Keys.ToArray() });
        behind.Parameters.Add(new NpgsqlParameter { Value = changes.Values.ToArray() });
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); (long)(await behind.ExecuteScalarAsync())! > 0; await Task.Delay(20))
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("The consumer list's orders were not computed within 30 s.");
    }

    public HttpClient Client(string token)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static object UsageRecord(string requestId, string? user = "tenant_acme", string key = "key_prod_1",
        long input = 100, long output = 50, decimal cost = 0.01m, string status = "success", DateTimeOffset? at = null, string? team = null,
        string model = "gpt-4o") =>
        new
        {
            request_id = requestId,
            key_id = key,
            team_id = team,
            user,
            model,
            provider = "openai",
            input_tokens = input,
            output_tokens = output,
            cost_usd = cost,
            status,
            latency_ms = 420,
            occurred_at = at,
        };

    /// <summary>A usage record without cost_usd, for Ledger to price from the organization's model prices.</summary>
    public static object UncostedUsageRecord(string requestId, string model, long input, long output, string user = "tenant_acme",
        DateTimeOffset? at = null) =>
        new { request_id = requestId, key_id = "key_prod_1", user, model, input_tokens = input, output_tokens = output, status = "success", occurred_at = at };

    /// <summary>PUT /api/model-prices: prices as (model, input, output) per million tokens, and models whose own price to remove.</summary>
    public static async Task<HttpResponseMessage> PutModelPricesAsync(HttpClient client, Guid org,
        (string Model, decimal Input, decimal Output)[]? prices = null, string[]? remove = null) =>
        await client.PutAsJsonAsync("/api/model-prices", new
        {
            organization_id = org,
            prices = prices?.Select(p => new { model = p.Model, input_usd_per_million = p.Input, output_usd_per_million = p.Output }),
            remove,
        });

    public static async Task<HttpResponseMessage> PostUsageAsync(HttpClient ingest, params object[] records) =>
        await ingest.PostAsJsonAsync("/v1/usage", records.Length == 1 ? records[0] : records);

    public static async Task<HttpResponseMessage> PostRawAsync(
        HttpClient client, string path, string body, string type = "application/json", string method = "POST") =>
        await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, type) });
}
