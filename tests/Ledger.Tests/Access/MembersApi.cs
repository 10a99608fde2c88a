using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Access;

/// <summary>The member and token endpoints as the access tests call them.</summary>
public static class MembersApi
{
    public static async Task<HttpResponseMessage> AddMemberAsync(HttpClient client, Guid org, string userId, string role) =>
        await client.PostAsJsonAsync("/api/members", new { organization_id = org, user_id = userId, role });

    public static async Task<HttpResponseMessage> ChangeRoleAsync(HttpClient client, Guid org, string userId, string role) =>
        await client.PutAsJsonAsync($"/api/members/{Uri.EscapeDataString(userId)}", new { organization_id = org, role });

    public static async Task<HttpResponseMessage> IssueTokenAsync(HttpClient client, Guid org, string userId) =>
        await client.PostAsJsonAsync($"/api/members/{Uri.EscapeDataString(userId)}/tokens", new { organization_id = org });

    public static async Task<HttpResponseMessage> RevokeTokenAsync(HttpClient client, Guid org, Guid tokenId) =>
        await client.DeleteAsync($"/api/tokens/{tokenId}?organization_id={org}");

    /// <summary>GET /api/members as the organization's owner.</summary>
    public static async Task<JsonElement> MembersAsync(Scenarios.TestOrganization org) =>
        await (await org.Owner.GetAsync($"/api/members?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);

    /// <summary>user_id → role, as listed.</summary>
    public static async Task<Dictionary<string, string>> RolesAsync(Scenarios.TestOrganization org) =>
        (await MembersAsync(org)).GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("user_id").GetString()!, m => m.GetProperty("role").GetString()!);

    /// <summary>The ids of a member's live tokens, oldest first.</summary>
    public static async Task<List<Guid>> TokenIdsAsync(Scenarios.TestOrganization org, string userId) =>
        [.. (await MembersAsync(org)).GetProperty("members").EnumerateArray()
            .Single(m => m.GetProperty("user_id").GetString() == userId)
            .GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("token_id").GetGuid())];

    /// <summary>The status a token gets from a dashboard read: 200 while it is live, 401 once revoked.</summary>
    public static async Task<HttpStatusCode> ReadStatusAsync(HttpClient client, Guid org) =>
        (await client.GetAsync($"/api/consumers?organization_id={org}")).StatusCode;
}
