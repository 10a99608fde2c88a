using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Http;

/// <summary>The headers that keep answers out of caches and browsers' guesses, and tell a client how to authenticate.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ResponseHeadersTests(LedgerApp app)
{
    [Fact]
    public async Task every_answer_forbids_content_sniffing()
    {
        var org = await app.Scenarios.OrganizationAsync();

        HttpResponseMessage[] answers =
        [
            await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}"),
            await org.Anonymous.GetAsync($"/api/consumers?organization_id={org.Id}"),
            await org.Anonymous.GetAsync("/health/live"),
        ];

        Assert.All(answers, a => Assert.Equal("nosniff", Assert.Single(a.Headers.GetValues("X-Content-Type-Options"))));
    }

    [Fact]
    public async Task every_answer_carrying_a_new_token_forbids_storing_it()
    {
        var org = await app.Scenarios.OrganizationAsync();

        HttpResponseMessage[] answers =
        [
            await org.Owner.PostAsJsonAsync("/api/members", new { organization_id = org.Id, user_id = "mia", role = "member" }),
            await org.Owner.PostAsJsonAsync("/api/members/mia/tokens", new { organization_id = org.Id }),
            await org.Owner.PostAsJsonAsync("/api/ingest-tokens", new { organization_id = org.Id }),
        ];

        foreach (var answer in answers)
        {
            var body = await answer.JsonAsync(HttpStatusCode.Created);
            Assert.StartsWith("ldg_", body.GetProperty("token").GetString());
            Assert.True(answer.Headers.CacheControl?.NoStore, $"{answer.RequestMessage!.RequestUri}: Cache-Control {answer.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task a_401_names_the_bearer_scheme_and_says_when_the_token_was_refused()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var url = $"/api/consumers?organization_id={org.Id}";

        using var none = await org.Anonymous.GetAsync(url);
        using var forged = await app.Scenarios.Client("ldg_forged").GetAsync(url);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", forged.Headers.WwwAuthenticate.ToString());
    }
}
