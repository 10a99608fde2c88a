using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using Npgsql;

namespace Ledger.Tests.Admissions;

/// <summary>The admission and cap endpoints as the admission tests call them.</summary>
public static class AdmissionsApi
{
    public static async Task<HttpResponseMessage> AdmitAsync(HttpClient ingest, string requestId, string? user = "tenant_acme",
        string key = "key_prod_1", string? team = null, decimal? cost = null, long? tokens = null) =>
        await ingest.PostAsJsonAsync("/v1/admissions", new
        {
            request_id = requestId,
            key_id = key,
            team_id = team,
            user,
            model = "gpt-4o",
            estimated_input_tokens = tokens,
            estimated_cost_usd = cost,
        });

    /// <summary>Admits and asserts 200; returns the body.</summary>
    public static async Task<JsonElement> AdmittedAsync(HttpClient ingest, string requestId, string? user = "tenant_acme",
        string key = "key_prod_1", string? team = null, decimal? cost = null) =>
        await (await AdmitAsync(ingest, requestId, user, key, team, cost)).JsonAsync(HttpStatusCode.OK);

    /// <summary>Pre-registers the consumer (if new) and PUTs its override.</summary>
    public static async Task<HttpResponseMessage> OverrideAsync(Scenarios.TestOrganization org, string endUserId, object fields)
    {
        await Scenarios.PreRegisterAsync(org.Owner, org.Id, endUserId).SucceededAsync();
        return await Scenarios.PutOverrideAsync(org.Owner, org.Id, endUserId, fields);
    }

    public static async Task<HttpResponseMessage> PutKeyLimitsAsync(HttpClient client, Guid org, string keyId,
        long? rpm = null, long? tpm = null, decimal? maxBudget = null) =>
        await client.PutAsJsonAsync($"/api/keys/{Uri.EscapeDataString(keyId)}/limits",
            new { organization_id = org, rpm_limit = rpm, tpm_limit = tpm, max_budget = maxBudget });

    public static async Task<HttpResponseMessage> PutTeamLimitsAsync(HttpClient client, Guid org, string teamId,
        long? rpm = null, long? tpm = null, decimal? maxBudget = null) =>
        await client.PutAsJsonAsync($"/api/teams/{Uri.EscapeDataString(teamId)}/limits",
            new { organization_id = org, rpm_limit = rpm, tpm_limit = tpm, max_budget = maxBudget });

    /// <summary>PUT /api/end-users/defaults with the given fields; every field left out is sent as null.</summary>
    public static async Task<HttpResponseMessage> PutDefaultsAsync(HttpClient client, Guid org, object? fields = null)
    {
        var body = new Dictionary<string, object?> { ["organization_id"] = org };
        foreach (var p in fields?.GetType().GetProperties() ?? []) body[p.Name] = p.GetValue(fields);
        return await client.PutAsJsonAsync("/api/end-users/defaults", body);
    }

    /// <summary>How many events of a type the organization's streams hold.</summary>
    /// <summary>
    /// How many events of a type the organization's streams hold once its admission outbox is
    /// empty: admission events reach the store through the outbox, moments after the answer.
    /// </summary>
    public static async Task<long> EventsAppendedAsync(LedgerApp app, Guid org, string type)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var pending = new NpgsqlCommand("select count(*) from ledger.admission_outbox where organization_id = $1", connection);
        pending.Parameters.AddWithValue(org);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while ((long)(await pending.ExecuteScalarAsync())! > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the admission outbox was not emptied within 10 s");
            await Task.Delay(50);
        }
        return await EventsAsync(app, org, type);
    }

    public static async Task<long> EventsAsync(LedgerApp app, Guid org, string type)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from ledger.mt_events where type = $1 and data->>'organization_id' = $2", connection);
        command.Parameters.AddWithValue(type);
        command.Parameters.AddWithValue(org.ToString());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Open reservations of the organization, as stored.</summary>
    public static async Task<long> OpenReservationsAsync(LedgerApp app, Guid org)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from ledger.admissions where organization_id = $1 and closed_at is null", connection);
        command.Parameters.AddWithValue(org);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until the condition holds (30 s at most): for what is stored moments after an answer.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "timed out waiting");
            await Task.Delay(100);
        }
    }
}
