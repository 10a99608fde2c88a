using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Usage.Settling;

/// <summary>Two API nodes sharing one database, as in a deployment behind a load balancer.</summary>
[Collection(LedgerCollection.Name)]
public sealed class TwoNodesTests(LedgerApp app)
{
    [Fact]
    public async Task retries_racing_through_two_nodes_store_each_request_and_consumer_once()
    {
        await using var second = new LedgerApp();
        await second.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var otherNode = second.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
        var batch = Enumerable.Range(0, 200).Select(i => UsageRecord($"req-{i}", $"tenant_{i % 20}", cost: 0.01m)).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => PostUsageAsync(i % 2 == 0 ? org.Ingest : otherNode, batch)));

        var bodies = await Task.WhenAll(responses.Select(r => r.JsonAsync(HttpStatusCode.Accepted)));
        Assert.Equal(200, bodies.Sum(b => b.GetProperty("accepted").GetInt32()));
        var list = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(20, list.GetProperty("total").GetInt64());
        Assert.All(list.GetProperty("consumers").EnumerateArray(), c =>
        {
            Assert.Equal(10, c.GetProperty("requests").GetInt64());
            Assert.Equal(0.10m, c.GetProperty("total_spend").GetDecimal());
        });
        Assert.Equal(20, await RegistrationsAsync(org.Id));
    }

    private async Task<long> RegistrationsAsync(Guid org)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select count(*) from ledger.mt_events where type = 'consumer_registered' and data->>'organization_id' = $1", connection);
        command.Parameters.AddWithValue(org.ToString());
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
