using System.Net;
using Ledger.Projections.Consumers;
using Ledger.Projections.OrganizationUsage;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Projections;

/// <summary>A read model rebuilt from the raw events holds exactly the rows the live run wrote.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RebuildingReadModelsTests(LedgerApp app)
{
    [Theory]
    [InlineData(ConsumerTotalsProjection.ProjectionName, ConsumersTable.Name)]
    [InlineData(OrganizationUsageProjection.ProjectionName, OrganizationUsageTable.Name)]
    public async Task rebuilding_from_events_reproduces_the_live_rows(string projection, string table)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var day = new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);
        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 40)
            .Select(i => UsageRecord($"r{i}", i % 7 == 0 ? null : $"tenant_{i % 4}", key: $"key_{i % 3}",
                input: i, output: 2 * i, cost: 0.001m * i, at: day.AddHours(i)))
            .ToArray())).JsonAsync(HttpStatusCode.Accepted);
        var live = await RowsAsync(table, org.Id);
        Assert.NotEmpty(live);

        await using (var wipe = new NpgsqlConnection(app.ConnectionString))
        {
            await wipe.OpenAsync();
            await new NpgsqlCommand($"update {table} set requests = requests + 1000", wipe).ExecuteNonQueryAsync();
        }
        using var daemon = await app.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.Equal(live, await RowsAsync(table, org.Id));
    }

    private async Task<List<string>> RowsAsync(string table, Guid org)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select t::text from {table} t where organization_id = $1 order by 1", connection);
        command.Parameters.AddWithValue(org);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
