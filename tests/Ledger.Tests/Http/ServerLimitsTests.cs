using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Http;

/// <summary>What the server itself allows and tells, on Kestrel as deployed.</summary>
[Collection(ApiProcessCollection.Name)]
public sealed class ServerLimitsTests(ApiProcess api)
{
    [Fact]
    public async Task responses_do_not_name_the_server()
    {
        using var client = api.Client();

        using var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"), string.Join(", ", response.Headers.Select(h => h.Key)));
    }

    [Fact]
    public async Task a_dashboard_body_over_64_kb_answers_413()
    {
        var org = await api.OrganizationAsync();
        using var owner = api.Client(org.OwnerToken);
        var body = $$"""{"organization_id":"{{org.OrganizationId}}","rpm_limit":{{new string('1', 1)}}{{new string(' ', 64 * 1024)}}}""";

        using var response = await owner.PutAsync("/api/end-users/defaults", new StringContent(body, Encoding.UTF8, "application/json"));

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task a_usage_batch_over_64_kb_is_still_accepted()
    {
        var org = await api.OrganizationAsync();
        using var ingest = api.Client(org.IngestToken);
        var records = Enumerable.Range(0, 1000).Select(i => UsageRecord($"big-{i}", $"tenant_{i % 10}")).ToArray();

        using var response = await ingest.PostAsJsonAsync("/v1/usage", records);

        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(1000, accepted.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task a_csv_import_over_64_kb_is_still_accepted()
    {
        var org = await api.OrganizationAsync();
        using var owner = api.Client(org.OwnerToken);
        var rows = Enumerable.Range(0, 1500).Select(i => $"tenant_{i:D6},,,,imported with the first batch of the pilot");
        var csv = "end_user_id,max_budget,rpm_limit,tpm_limit,notes\n" + string.Join('\n', rows);
        Assert.True(csv.Length > 64 * 1024);

        using var response = await owner.PostAsync($"/api/end-users/bulk?organization_id={org.OrganizationId}",
            new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(1500, (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("imported").GetInt32());
    }
}
