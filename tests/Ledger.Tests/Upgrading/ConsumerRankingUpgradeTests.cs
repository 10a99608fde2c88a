using Ledger.Api.Storage;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.Consumers;
using Ledger.Tests.Infrastructure;
using Npgsql;

namespace Ledger.Tests.Upgrading;

/// <summary>
/// A database from the releases whose consumer list read a per-consumer copy gets the stored orders
/// when a node of this release starts, computed from its consumer rows, and loses the old copy (and
/// the position of the async projection that kept the orders before they were kept from the consumer rows).
/// </summary>
public sealed class ConsumerRankingUpgradeTests
{
    [Fact]
    public async Task starting_on_a_database_with_the_old_copy_computes_every_organizations_orders()
    {
        await using var sibling = await SiblingStore.CreateAsync("ranking_upgrade");
        var (store, dataSource) = (sibling.Store, sibling.DataSource);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await sibling.ExecuteAsync(
            $"""
            drop table {ConsumerRankingTable.Name};
            create table ledger.consumer_ranking (organization_id uuid, end_user_id text, requests bigint, primary key (organization_id, end_user_id));
            create table ledger.consumer_ranking_position (singleton boolean primary key, through bigint not null);
            insert into ledger.mt_event_progression (name, last_seq_id) values ('consumer_ranking:All', 42);
            insert into {ConsumersTable.Name} (organization_id, end_user_id, requests, total_spend, first_seen, last_active, retired_at) values
                ('{first}', 'small', 1, 0.5, now(), now(), null), ('{first}', 'big', 9, 7.25, now(), now(), null),
                ('{first}', 'gone', 50, 99, now(), now(), now()), ('{second}', 'only', 2, 1, now(), null, null);
            """);

        var upgrades = new SchemaUpgrades(store, dataSource);
        await upgrades.StartingAsync(CancellationToken.None);
        var upgraded = await OrdersAsync(dataSource);
        await upgrades.StartingAsync(CancellationToken.None); // a second start changes nothing

        // Stored ascending, ties by name.
        Assert.Equal(["small", "big"], upgraded[(first, "total_spend")]);
        Assert.Equal(["big", "small"], upgraded[(first, "end_user_id")]);
        Assert.Equal(["only"], upgraded[(second, "last_active")]);
        Assert.Equal(10, upgraded.Count); // five orders of each organization; the retired consumer in none
        Assert.Equal(upgraded, await OrdersAsync(dataSource));
        // What earlier releases kept beside the orders is gone: the per-consumer copy, and the async projection's position.
        await using var old = dataSource.CreateCommand(
            """
            select to_regclass('ledger.consumer_ranking') is null and to_regclass('ledger.consumer_ranking_position') is null
                and not exists (select 1 from ledger.mt_event_progression where name like 'consumer_ranking:%')
            """);
        Assert.True((bool)(await old.ExecuteScalarAsync())!);
    }

    private static async Task<Dictionary<(Guid, string), string[]>> OrdersAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"select organization_id, sort_key, end_user_ids from {ConsumerRankingTable.Name} where chunk = 0");
        await using var reader = await command.ExecuteReaderAsync();
        var orders = new Dictionary<(Guid, string), string[]>();
        while (await reader.ReadAsync()) orders[(reader.GetGuid(0), reader.GetString(1))] = reader.GetFieldValue<string[]>(2);
        return orders;
    }

}
