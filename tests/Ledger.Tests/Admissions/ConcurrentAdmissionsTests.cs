using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Admissions;

/// <summary>Many gateway workers asking at once, through one node and through two sharing the database.</summary>
[Collection(LedgerCollection.Name)]
public class ConcurrentAdmissionsTests(LedgerApp app)
{
    [Fact]
    public async Task parallel_requests_of_one_consumer_never_admit_more_than_its_rpm()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { rpm_limit = 30 })).JsonAsync(HttpStatusCode.OK);

        var responses = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => AdmitAsync(org.Ingest, $"req-{i}")));

        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(90, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(30, await OpenReservationsAsync(app, org.Id));
    }

    [Fact]
    public async Task racing_first_requests_of_an_unknown_consumer_cannot_slip_past_the_default_budget()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PutDefaultsAsync(org.Owner, org.Id, new { max_budget = 0.10m })).JsonAsync(HttpStatusCode.OK);

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => AdmitAsync(org.Ingest, $"req-{i}", user: "brand_new", cost: 0.01m)));

        // Spend plus reservations may pass the budget by at most one request's cost: here it lands exactly on it.
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PaymentRequired, r.StatusCode));
    }

    [Fact]
    public async Task two_nodes_sharing_the_database_together_admit_no_more_than_the_rpm_and_the_budget()
    {
        await using var second = new LedgerApp();
        await second.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var otherNode = second.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
        await (await OverrideAsync(org, "tenant_rpm", new { rpm_limit = 25 })).JsonAsync(HttpStatusCode.OK);
        await (await OverrideAsync(org, "tenant_budget", new { max_budget = 1.00m })).JsonAsync(HttpStatusCode.OK);

        var rpm = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(i => AdmitAsync(i % 2 == 0 ? org.Ingest : otherNode, $"rpm-{i}", user: "tenant_rpm")));
        var budget = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(i => AdmitAsync(i % 2 == 0 ? org.Ingest : otherNode, $"budget-{i}", user: "tenant_budget", cost: 0.07m)));

        Assert.Equal(25, rpm.Count(r => r.StatusCode == HttpStatusCode.OK));
        // 14 × 0.07 = 0.98 is under the cap, so the 15th is admitted: 1.05, one request's cost over at most.
        Assert.Equal(15, budget.Count(r => r.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task settling_while_admitting_keeps_spend_plus_reservations_within_one_request_of_the_budget()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { max_budget = 2.00m })).JsonAsync(HttpStatusCode.OK);

        // Each worker admits, then settles at the estimate, until refused.
        var admitted = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            for (var i = 0; ; i++)
            {
                var id = $"w{w}-{i}";
                var response = await AdmitAsync(org.Ingest, id, cost: 0.05m);
                if (response.StatusCode != HttpStatusCode.OK) break;
                Interlocked.Increment(ref admitted);
                await (await PostUsageAsync(org.Ingest, UsageRecord(id, cost: 0.05m))).JsonAsync(HttpStatusCode.Accepted);
            }
        }));

        Assert.Equal(40, admitted);
        var list = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2.00m, list.GetProperty("consumers")[0].GetProperty("total_spend").GetDecimal());
    }
}
