using System.Net;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Hosting;

/// <summary>The probes an orchestrator or load balancer calls: no token needed, and a plain answer.</summary>
[Collection(LedgerCollection.Name)]
public sealed class HealthTests(LedgerApp app)
{
    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task probes_answer_healthy_without_a_token(string path)
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
