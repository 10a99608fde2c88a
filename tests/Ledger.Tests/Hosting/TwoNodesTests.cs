using System.Net;
using Ledger.Projections.Rebuilds;
using Ledger.Projections.SpendLog;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Two API nodes on one database (SPEC §8): exactly one runs each async projection at a time, and
/// when it stops the other takes them over and goes on from where they were.
/// </summary>
public sealed class TwoNodesTests
{
    [Fact]
    public async Task one_node_runs_each_async_projection_and_the_other_takes_over_when_it_stops()
    {
        var database = await TestDatabase.SiblingAsync("two_nodes");
        var settings = new Dictionary<string, string> { ["LEDGER_DB"] = database };
        await using var first = new LedgerApp { Settings = settings }; // stopped below, mid-test; disposing twice is harmless
        await first.InitializeAsync();
        var keys = AsyncShards.Names(first.Store).Select(p => AsyncShards.LockKey(first.Store, p)).ToList();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var firstHolders = await HoldersAsync(connection, keys, h => h.All(pid => pid is not null));
        var held = System.Diagnostics.Stopwatch.StartNew();

        await using var second = new LedgerApp { Settings = settings };
        await second.InitializeAsync();
        var org = await second.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1"))).JsonAsync(HttpStatusCode.Accepted);
        await second.Scenarios.AsyncProjectionsCaughtUpAsync();

        Assert.Equal(firstHolders, await HoldersAsync(connection, keys, _ => true)); // the second node took none
        // Session-scoped locks (Marten's default with the real lock package), not a transaction kept open for as
        // long as the node leads (UseAdvisoryLockTransaction), which would hold back vacuum on the whole database.
        if (held.Elapsed < TimeSpan.FromSeconds(3)) await Task.Delay(TimeSpan.FromSeconds(3) - held.Elapsed);
        Assert.Equal(0L, await LongTransactionsAsync(connection, firstHolders));
        Assert.Equal(1L, await SpendLogRowsAsync(connection, org.Id));

        await first.DisposeAsync();
        var secondHolders = await HoldersAsync(connection, keys, h => h.All(pid => pid is not null && !firstHolders.Contains(pid)));
        await (await PostUsageAsync(org.Ingest, UsageRecord("r2"))).JsonAsync(HttpStatusCode.Accepted);
        await second.Scenarios.AsyncProjectionsCaughtUpAsync();

        Assert.All(secondHolders, pid => Assert.DoesNotContain(pid, firstHolders));
        Assert.Equal(2L, await SpendLogRowsAsync(connection, org.Id));
    }

    /// <summary>The process holding each shard's lock, once <paramref name="until"/> holds for them (within a minute).</summary>
    private static async Task<List<int?>> HoldersAsync(NpgsqlConnection connection, List<long> keys, Func<List<int?>, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var holders = new List<int?>();
            foreach (var key in keys) holders.Add(await AsyncShards.HolderAsync(connection, key, CancellationToken.None));
            if (until(holders)) return holders;
            Assert.True(DateTime.UtcNow < deadline, $"the shards' holders stayed {string.Join(", ", holders)}");
            await Task.Delay(250);
        }
    }

    /// <summary>How many of these processes have had a transaction open for more than two seconds.</summary>
    private static async Task<long> LongTransactionsAsync(NpgsqlConnection connection, List<int?> pids)
    {
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where pid = any($1) and xact_start < now() - interval '2 seconds'", connection)
        {
            Parameters = { new NpgsqlParameter { Value = pids.Select(p => p!.Value).Distinct().ToArray() } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> SpendLogRowsAsync(NpgsqlConnection connection, Guid org)
    {
        await using var command = new NpgsqlCommand($"select count(*) from {SpendLogTable.Name} where organization_id = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = org } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
