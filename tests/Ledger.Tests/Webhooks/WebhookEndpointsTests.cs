using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Webhooks.WebhookFixture;

namespace Ledger.Tests.Webhooks;

[Collection(WebhookCollection.Name)]
public sealed class WebhookEndpointsTests(WebhookFixture fixture)
{
    [Fact]
    public async Task a_registered_webhook_shows_its_secret_once_and_a_deleted_one_leaves_the_list()
    {
        var org = await fixture.App.Scenarios.OrganizationAsync();
        var created = await RegisterAsync(org.Owner, org.Id, fixture.Receiver.Url("listed"), "budget.threshold_crossed", "consumer.anomaly_flagged");
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString());
        Assert.Equal(24, Convert.FromBase64String(created.GetProperty("secret").GetString()!["whsec_".Length..]).Length);
        var id = created.GetProperty("id").GetString();

        var listed = Assert.Single((await (await org.Owner.GetAsync($"/api/webhooks?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(["budget.threshold_crossed", "consumer.anomaly_flagged"], listed.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(listed.TryGetProperty("secret", out _));
        Assert.Empty((await DeliveriesAsync(org.Owner, org.Id, id!)).EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Owner.DeleteAsync($"/api/webhooks/{id}?organization_id={org.Id}")).StatusCode);
        Assert.Empty((await (await org.Owner.GetAsync($"/api/webhooks?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
        await (await org.Owner.GetAsync($"/api/webhooks/{id}/deliveries?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await org.Owner.DeleteAsync($"/api/webhooks/{id}?organization_id={org.Id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("ftp://example.com/hook", "budget.threshold_crossed", "url")]
    [InlineData("/relative", "budget.threshold_crossed", "url")]
    [InlineData("https://user:pw@example.com/hook", "budget.threshold_crossed", "url")]
    [InlineData("https://example.com/hook", "budget.exceeded", "events")]
    public async Task bad_input_gets_a_problem_naming_the_field_and_registers_nothing(string url, string @event, string field)
    {
        var org = await fixture.App.Scenarios.OrganizationAsync();
        var problem = await (await org.Owner.PostAsJsonAsync("/api/webhooks", new { organization_id = org.Id, url, events = new[] { @event }, description = "x" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Empty((await (await org.Owner.GetAsync($"/api/webhooks?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task no_events_is_a_bad_request()
    {
        var org = await fixture.App.Scenarios.OrganizationAsync();
        var problem = await (await org.Owner.PostAsJsonAsync("/api/webhooks", new { organization_id = org.Id, url = "https://example.com/h", events = Array.Empty<string>() }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("events", problem.ErrorFields());
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task members_and_viewers_may_not_touch_webhooks(string role)
    {
        var org = await fixture.App.Scenarios.OrganizationAsync();
        var hook = (await RegisterAsync(org.Owner, org.Id, fixture.Receiver.Url("roles"))).GetProperty("id").GetString();
        var client = await fixture.App.Scenarios.MemberAsync(org, "bob", role);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/webhooks",
            new { organization_id = org.Id, url = "https://example.com/h", events = new[] { "budget.threshold_crossed" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/webhooks?organization_id={org.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/webhooks/{hook}?organization_id={org.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/webhooks/{hook}/deliveries?organization_id={org.Id}")).StatusCode);
        Assert.Single((await (await org.Owner.GetAsync($"/api/webhooks?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task another_organizations_webhooks_are_not_found()
    {
        var (mine, theirs) = (await fixture.App.Scenarios.OrganizationAsync(), await fixture.App.Scenarios.OrganizationAsync("globex"));
        var hook = (await RegisterAsync(theirs.Owner, theirs.Id, fixture.Receiver.Url("theirs"))).GetProperty("id").GetString();

        await (await mine.Owner.GetAsync($"/api/webhooks?organization_id={theirs.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await mine.Owner.DeleteAsync($"/api/webhooks/{hook}?organization_id={mine.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await mine.Owner.GetAsync($"/api/webhooks/{hook}/deliveries?organization_id={mine.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Single((await (await theirs.Owner.GetAsync($"/api/webhooks?organization_id={theirs.Id}")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
    }
}
