using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Webhooks;

/// <summary>
/// A deployment as shipped (<c>Ledger:Webhooks:AllowPrivateAddresses</c> unset): a webhook may not point into
/// the network Ledger runs in (SSRF), so an owner cannot make Ledger call its database, its metadata service or itself.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class WebhookAddressTests(LedgerApp app)
{
    [Theory]
    [InlineData("http://127.0.0.1:5432/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://api.localhost/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://192.168.1.20/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    public async Task a_url_pointing_inward_is_refused_by_default_and_registers_nothing(string url)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await org.Owner.PostAsJsonAsync("/api/webhooks",
            new { organization_id = org.Id, url, events = new[] { "budget.threshold_crossed" } })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("loopback or private", problem.GetProperty("errors").GetProperty("url")[0].GetString());
        Assert.Empty((await (await org.Owner.GetAsync($"/api/webhooks?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
    }
}
