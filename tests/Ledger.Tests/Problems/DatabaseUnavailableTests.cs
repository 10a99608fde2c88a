using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Admissions;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Problems;

/// <summary>PostgreSQL goes away under a running node: callers are told to come back, not that Ledger broke.</summary>
[Collection(LedgerCollection.Name)]
public sealed class DatabaseUnavailableTests(LedgerApp app)
{
    [Fact]
    public async Task with_the_database_gone_every_kind_of_call_answers_503_with_retry_after()
    {
        await using var database = new DatabaseProxy(app.ConnectionString);
        await using var node = new LedgerApp
        {
            Settings = new Dictionary<string, string> { ["LEDGER_DB"] = database.ConnectionString, ["Ledger:AsyncProjections"] = "Disabled" },
        };
        await node.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var owner = node.Scenarios.Client(org.Owner.DefaultRequestHeaders.Authorization!.Parameter!);
        var ingest = node.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
        // The node now holds the ingest token in its cache, so the gateway's calls pass authentication without the database.
        await (await PostUsageAsync(ingest, UsageRecord("before"))).JsonAsync(HttpStatusCode.Accepted);

        await database.CutAsync();

        await UnavailableAsync(await owner.GetAsync($"/api/consumers?organization_id={org.Id}"), "The database is unavailable");
        await UnavailableAsync(await owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = "mia", role = "member" }),
            "The database is unavailable");
        await UnavailableAsync(await PostUsageAsync(ingest, UsageRecord("during")), null);
        await UnavailableAsync(await AdmissionsApi.AdmitAsync(ingest, "during"), null);
    }

    private static async Task UnavailableAsync(HttpResponseMessage response, string? title)
    {
        var body = await response.Content.ReadAsStringAsync();
        var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
        if (title is not null) Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal); // no stack trace or exception type leaves the server
    }
}
