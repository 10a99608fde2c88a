using System.Net;
using Ledger.Tests.Admissions;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Http;

/// <summary>Abuse limits, each on a node of its own configured with small limits.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RateLimitTests
{
    [Fact]
    public async Task a_token_past_its_requests_a_minute_answers_429_with_retry_after_and_other_tokens_go_on()
    {
        await using var node = await NodeAsync(("TokenRequestsPerMinute", "5"));
        var org = await node.Scenarios.OrganizationAsync();
        var mia = await node.Scenarios.MemberAsync(org, "mia", "admin"); // the owner's 1st request
        var url = $"/api/consumers?organization_id={org.Id}";
        for (var i = 2; i <= 5; i++) await (await org.Owner.GetAsync(url)).JsonAsync(HttpStatusCode.OK);

        using var sixth = await org.Owner.GetAsync(url);

        var problem = await sixth.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(sixth.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After in seconds");
        Assert.Contains("Retry after", problem.GetProperty("detail").GetString());
        await (await mia.GetAsync(url)).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task the_gateways_usage_and_admissions_are_not_limited_by_default()
    {
        await using var node = await NodeAsync(("TokenRequestsPerMinute", "5"));
        var org = await node.Scenarios.OrganizationAsync();

        for (var i = 0; i < 10; i++)
        {
            await (await PostUsageAsync(org.Ingest, UsageRecord($"r{i}"))).JsonAsync(HttpStatusCode.Accepted);
            await (await AdmissionsApi.AdmitAsync(org.Ingest, $"a{i}")).JsonAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task requests_without_a_token_are_limited_per_address_and_probes_never()
    {
        await using var node = await NodeAsync(("AnonymousRequestsPerMinute", "3"));
        var org = await node.Scenarios.OrganizationAsync();
        for (var i = 0; i < 3; i++) await (await org.Anonymous.GetAsync("/api/members")).ProblemAsync(HttpStatusCode.Unauthorized);

        await (await org.Anonymous.GetAsync("/api/members")).ProblemAsync(HttpStatusCode.TooManyRequests);
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await org.Anonymous.GetAsync("/health/live")).StatusCode);
        await (await org.Owner.GetAsync($"/api/members?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task an_address_past_its_failed_authentications_is_refused_even_with_a_good_token()
    {
        await using var node = await NodeAsync(("FailedAuthenticationsPerMinute", "3"));
        var org = await node.Scenarios.OrganizationAsync();
        var forged = node.Scenarios.Client("ldg_forged");
        var url = $"/api/consumers?organization_id={org.Id}";
        await (await org.Owner.GetAsync(url)).JsonAsync(HttpStatusCode.OK);
        for (var i = 0; i < 3; i++) await (await forged.GetAsync(url)).ProblemAsync(HttpStatusCode.Unauthorized);

        using var fourth = await forged.GetAsync(url);
        using var owner = await org.Owner.GetAsync(url);

        await fourth.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(fourth.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After in seconds");
        var problem = await owner.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("refused", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await org.Anonymous.GetAsync("/health/ready")).StatusCode);
    }

    private static async Task<LedgerApp> NodeAsync(params (string Key, string Value)[] limits)
    {
        var settings = limits.ToDictionary(l => $"Ledger:RateLimits:{l.Key}", l => l.Value);
        settings.TryAdd("Ledger:AsyncProjections", "Disabled");
        var node = new LedgerApp { Settings = settings };
        await node.InitializeAsync();
        return node;
    }
}
