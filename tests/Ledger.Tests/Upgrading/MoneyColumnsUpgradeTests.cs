using Ledger.Api.Storage;
using Ledger.Projections;
using Ledger.Projections.Consumers;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.Rebuilds;
using Ledger.Tests.Infrastructure;
using Marten;

namespace Ledger.Tests.Upgrading;

/// <summary>
/// A database from before the money rule, whose spend columns are unbounded and may hold sums a
/// .NET decimal cannot read, is brought to the rule when a node of this release starts.
/// </summary>
public sealed class MoneyColumnsUpgradeTests
{
    [Fact]
    public async Task starting_on_a_database_with_unbounded_spend_rounds_it_to_ten_places_and_asks_to_rebuild_the_daily_figures()
    {
        await using var sibling = await SiblingStore.CreateAsync("money_upgrade");
        var (connection, dataSource) = (sibling.ConnectionString, sibling.DataSource);
        var org = Guid.NewGuid();
        // As the releases before the rule left it: unbounded columns, a sum of 1e-28 and 1.5, and a daily activity shape of 2.
        await sibling.ExecuteAsync(
            $"""
            alter table {ConsumersTable.Name} alter column total_spend type numeric;
            alter table {DailyActivityTables.Days} alter column spend type numeric, alter column spend_with_markup type numeric;
            insert into {ConsumersTable.Name} (organization_id, end_user_id, requests, total_spend, first_seen, last_active)
                values ('{org}', 'c3', 2, 1.5000000000000000000000000001, now(), now());
            insert into {ProjectionShapes.Name} (projection, version) values ('{DailyActivityProjection.ProjectionName}', 2);
            """);

        using var store = DocumentStore.For(o => LedgerStore.Configure(o, connection));
        await new SchemaUpgrades(store, dataSource).StartingAsync(CancellationToken.None);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        Assert.Equal("numeric(28,10)", await sibling.ScalarAsync<string>("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'ledger.consumers'::regclass and attname = 'total_spend'"));
        Assert.Equal("numeric(38,16)", await sibling.ScalarAsync<string>("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'ledger.consumer_daily_activity'::regclass and attname = 'spend_with_markup'"));
        Assert.Equal(1.5m, await sibling.ScalarAsync<decimal>($"select total_spend from {ConsumersTable.Name} where organization_id = '{org}'"));
        Assert.Contains(DailyActivityProjection.ProjectionName, await ProjectionShapes.RequestRebuildsAsync(store, dataSource, CancellationToken.None));
    }


}
