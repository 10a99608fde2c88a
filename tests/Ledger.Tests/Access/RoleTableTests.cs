using System.Net;
using System.Text;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Access;

/// <summary>SPEC §2's role table, endpoint by endpoint: each role is refused what its row does not grant.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RoleTableTests(LedgerApp app)
{
    /// <summary>Every endpoint only owners and admins may call; ORG and INGEST_TOKEN are filled in per test.</summary>
    private static readonly (string Method, string Path, string? Body)[] AdminOnly =
    [
        ("POST", "/api/members", """{"organization_id":"ORG","user_id":"zed","role":"viewer"}"""),
        ("GET", "/api/members?organization_id=ORG", null),
        ("PUT", "/api/members/mia", """{"organization_id":"ORG","role":"admin"}"""),
        ("PUT", "/api/members/vera", """{"organization_id":"ORG","role":"admin"}"""),
        ("POST", "/api/members/mia/tokens", """{"organization_id":"ORG"}"""),
        ("DELETE", "/api/tokens/INGEST_TOKEN?organization_id=ORG", null),
        ("POST", "/api/keys", """{"organization_id":"ORG","key_id":"key_zed","team_id":null,"owner_user_id":"mia"}"""),
        ("PUT", "/api/end-users/overrides", """{"organization_id":"ORG","end_user_id":"tenant_acme","max_budget":1}"""),
        ("POST", "/api/end-users/create", """{"organization_id":"ORG","end_user_id":"tenant_new"}"""),
        ("POST", "/api/end-users/bulk?organization_id=ORG", "CSV:end_user_id\ntenant_new\n"),
        ("DELETE", "/api/end-users?organization_id=ORG&end_user_id=tenant_acme", null),
        ("GET", "/api/audit-log?organization_id=ORG", null),
        ("PUT", "/api/keys/key_mia/limits", """{"organization_id":"ORG","rpm_limit":1}"""),
        ("PUT", "/api/teams/production/limits", """{"organization_id":"ORG","rpm_limit":1}"""),
        ("PUT", "/api/end-users/defaults", """{"organization_id":"ORG","rpm_limit":1}"""),
        ("GET", "/api/end-users/defaults?organization_id=ORG", null),
        ("GET", "/api/usage/totals?organization_id=ORG", null),
        ("PUT", "/api/model-prices", """{"organization_id":"ORG","prices":[{"model":"gpt-4o","input_usd_per_million":1,"output_usd_per_million":1}]}"""),
        ("GET", "/api/model-prices?organization_id=ORG", null),
        ("GET", "/api/model-prices/unpriced?organization_id=ORG", null),
    ];

    public static TheoryData<string, string, string, string?> MembersAndViewersOnAdminEndpoints()
    {
        var data = new TheoryData<string, string, string, string?>();
        foreach (var role in new[] { "member", "viewer" })
            foreach (var (method, path, body) in AdminOnly) data.Add(role, method, path, body);
        data.Add("viewer", "POST", "/api/end-users/tags", """{"organization_id":"ORG","end_user_id":"tenant_acme","tag":"x"}""");
        return data;
    }

    [Theory]
    [MemberData(nameof(MembersAndViewersOnAdminEndpoints))]
    public async Task members_and_viewers_are_refused_administration_with_403_and_nothing_changes(string role, string method, string path, string? body)
    {
        var (org, clients) = await OrganizationAsync();
        var events = await EventCountAsync(org.Id);

        var response = await SendAsync(clients[role], org, method, path, body);

        await response.ProblemAsync(HttpStatusCode.Forbidden);
        // and nothing happened: every change is an event, and the organization has no new one
        Assert.Equal(events, await EventCountAsync(org.Id));
        // in particular no one was added or promoted, the gateway's token still works
        Assert.Equal(new Dictionary<string, string> { ["adam"] = "admin", ["alice"] = "owner", ["mia"] = "member", ["vera"] = "viewer" },
            await MembersApi.RolesAsync(org));
        Assert.Equal(HttpStatusCode.Accepted, (await PostUsageAsync(org.Ingest, UsageRecord("r2", "tenant_acme", key: "key_mia"))).StatusCode);
        // and no cap was set: a one-per-minute cap on the key, its team or consumers would refuse the second
        foreach (var id in new[] { "a1", "a2" })
            Assert.Equal(HttpStatusCode.OK, (await Admissions.AdmissionsApi.AdmitAsync(org.Ingest, id, key: "key_mia", team: "production")).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/consumers?organization_id=ORG", null)]
    [InlineData("GET", "/api/consumers/tenant_acme/activity?organization_id=ORG", null)]
    [InlineData("GET", "/api/usage/totals?organization_id=ORG", null)]
    [InlineData("GET", "/api/end-users/tags?organization_id=ORG", null)]
    [InlineData("GET", "/api/end-users/overrides?organization_id=ORG", null)]
    [InlineData("GET", "/api/members?organization_id=ORG", null)]
    [InlineData("GET", "/api/audit-log?organization_id=ORG", null)]
    [InlineData("POST", "/api/end-users/tags", """{"organization_id":"ORG","end_user_id":"tenant_acme","tag":"x"}""")]
    [InlineData("POST", "/api/members", """{"organization_id":"ORG","user_id":"gateway","role":"owner"}""")]
    [InlineData("POST", "/api/keys", """{"organization_id":"ORG","key_id":"key_zed","owner_user_id":"mia"}""")]
    [InlineData("DELETE", "/api/tokens/INGEST_TOKEN?organization_id=ORG", null)]
    [InlineData("PUT", "/api/keys/key_mia/limits", """{"organization_id":"ORG","rpm_limit":1}""")]
    [InlineData("PUT", "/api/end-users/defaults", """{"organization_id":"ORG","rpm_limit":1}""")]
    [InlineData("PUT", "/api/model-prices", """{"organization_id":"ORG","remove":["gpt-4o"]}""")]
    public async Task the_ingest_token_is_refused_every_dashboard_endpoint_with_403(string method, string path, string? body)
    {
        var (org, _) = await OrganizationAsync();

        await (await SendAsync(org.Ingest, org, method, path, body)).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("admin")]
    [InlineData("member")]
    public async Task a_person_may_not_post_usage_or_ask_admission_in_the_gateways_place(string role)
    {
        var (org, clients) = await OrganizationAsync();

        await (await PostUsageAsync(clients[role], UsageRecord("r9", "tenant_acme", key: "key_mia"))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await Admissions.AdmissionsApi.AdmitAsync(clients[role], "a9", key: "key_mia")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("GET", "/api/members?organization_id=ORG", null)]
    [InlineData("POST", "/api/keys", """{"organization_id":"ORG","key_id":"key_zed","owner_user_id":"mia"}""")]
    [InlineData("DELETE", "/api/tokens/INGEST_TOKEN?organization_id=ORG", null)]
    public async Task no_token_or_a_forged_one_answers_401(string method, string path, string? body)
    {
        var (org, _) = await OrganizationAsync();

        await (await SendAsync(org.Anonymous, org, method, path, body)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await SendAsync(app.Scenarios.Client("ldg_forged"), org, method, path, body)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>An organization with mia (member, owning key_mia with tenant_acme's traffic), vera (viewer) and adam (admin).</summary>
    private async Task<(TestOrganization Org, Dictionary<string, HttpClient> Clients)> OrganizationAsync()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var clients = new Dictionary<string, HttpClient>
        {
            ["owner"] = org.Owner,
            ["admin"] = await app.Scenarios.MemberAsync(org, "adam", "admin"),
            ["member"] = await app.Scenarios.MemberAsync(org, "mia", "member"),
            ["viewer"] = await app.Scenarios.MemberAsync(org, "vera", "viewer"),
        };
        await RegisterKeyAsync(org, "key_mia", "mia");
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme", key: "key_mia"))).JsonAsync(HttpStatusCode.Accepted);
        return (org, clients);
    }

    private async Task<long> EventCountAsync(Guid org)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ledger.mt_events where data->>'organization_id' = $1", connection);
        command.Parameters.AddWithValue(org.ToString());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, TestOrganization org, string method, string path, string? body)
    {
        if (path.Contains("INGEST_TOKEN"))
        {
            var ingest = (await MembersApi.MembersAsync(org)).GetProperty("ingest_tokens")[0].GetProperty("token_id").GetGuid();
            path = path.Replace("INGEST_TOKEN", ingest.ToString());
        }
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("ORG", org.Id.ToString()));
        if (body is not null)
            request.Content = body.StartsWith("CSV:", StringComparison.Ordinal)
                ? new StringContent(body["CSV:".Length..], Encoding.UTF8, "text/csv")
                : new StringContent(body.Replace("ORG", org.Id.ToString()), Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }
}
