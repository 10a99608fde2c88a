using Ledger.Api.Storage;
using Ledger.Projections.DailyActivity;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Upgrading;

/// <summary>
/// A database from the releases whose month rows carried an index on spend gets the months' largest
/// spenders when a node of this release starts, computed from its month rows, and loses the index.
/// </summary>
public sealed class TopSpendersUpgradeTests
{
    [Fact]
    public async Task starting_on_a_database_with_the_spend_index_lists_each_months_largest_spenders()
    {
        await using var sibling = await SiblingStore.CreateAsync("top_spenders_upgrade");
        var org = Guid.NewGuid();
        await sibling.ExecuteAsync(
            $"""
            drop table {DailyActivityTables.TopSpenders};
            create index consumer_monthly_activity_by_spend on {DailyActivityTables.Months} (organization_id, month, spend desc, end_user_id);
            insert into {DailyActivityTables.Months} (organization_id, month, end_user_id, requests, spend)
            select '{org}', '2026-11-01', 'user_' || lpad(i::text, 3, '0'), 1, i from generate_series(1, 120) i;
            insert into {DailyActivityTables.Months} (organization_id, month, end_user_id, requests, spend) values ('{org}', '2026-12-01', 'december', 1, 3);
            """);

        var upgrades = new SchemaUpgrades(sibling.Store, sibling.DataSource);
        await upgrades.StartingAsync(CancellationToken.None);
        await upgrades.StartingAsync(CancellationToken.None); // a second start changes nothing

        await using var listed = sibling.DataSource.CreateCommand(
            $"select month, count(*), max(spend), min(spend) from {DailyActivityTables.TopSpenders} where organization_id = '{org}' group by month order by month");
        await using (var reader = await listed.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal((100L, 120m, 21m), (reader.GetInt64(1), reader.GetDecimal(2), reader.GetDecimal(3))); // November's hundred largest
            Assert.True(await reader.ReadAsync());
            Assert.Equal((1L, 3m), (reader.GetInt64(1), reader.GetDecimal(2)));
        }
        await using var index = sibling.DataSource.CreateCommand("select to_regclass('ledger.consumer_monthly_activity_by_spend') is null");
        Assert.True((bool)(await index.ExecuteScalarAsync())!);
    }
}
