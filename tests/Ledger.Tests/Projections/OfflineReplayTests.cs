using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Usage;
using Ledger.Projections;
using Ledger.Projections.Rebuilds;
using Ledger.Tests.Infrastructure;
using Marten;
using Npgsql;

namespace Ledger.Tests.Projections;

/// <summary>
/// The rebuild <c>ledger projections rebuild</c> runs when no node runs the projection (one scan of
/// the event log, large pages, no daemon) writes exactly the rows the daemon's own rebuild writes,
/// for every async projection, and leaves the shard at the newest event.
/// </summary>
public sealed class OfflineReplayTests
{
    [Theory]
    [InlineData(OfflineReplay.PageSize)]
    [InlineData(7)] // many pages, a markup change inside some of them
    public async Task the_offline_replay_writes_what_the_daemon_replay_writes(int pageSize)
    {
        var connection = await TestDatabase.SiblingAsync($"offline_replay_{pageSize}");
        using var store = DocumentStore.For(o => LedgerStore.Configure(o, connection));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await GivenHistoryAsync(store);
        var newest = await AsyncShards.NewestAsync(store, CancellationToken.None);

        foreach (var projection in AsyncShards.Names(store))
        {
            using (var daemon = await store.BuildProjectionDaemonAsync())
                await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(2), CancellationToken.None);
            var byDaemon = await RowsAsync(dataSource, projection);
            Assert.NotEmpty(byDaemon);
            // Emptied, so that a replay that wrote nothing could not pass on the daemon's rows.
            foreach (var table in LedgerStore.EmptiedOnRebuild(projection))
            {
                await using var wipe = dataSource.CreateCommand($"delete from {table}");
                await wipe.ExecuteNonQueryAsync();
            }
            Assert.Empty(await RowsAsync(dataSource, projection));

            var reported = new List<long>();
            var outcome = await OfflineReplay.RunAsync(store, dataSource, projection, reported.Add, CancellationToken.None, pageSize);

            Assert.Equal(byDaemon, await RowsAsync(dataSource, projection));
            Assert.Equal(newest, outcome.Position);
            Assert.Equal(newest, await AsyncShards.PositionAsync(store, projection, CancellationToken.None));
            Assert.Equal(newest, reported[^1]);
            Assert.Equal(reported.Order(), reported); // progress only goes forward
        }
    }

    /// <summary>Usage over consumers, days and models, markups changing midway, rejections, tags and a retirement.</summary>
    private static async Task GivenHistoryAsync(IDocumentStore store)
    {
        var org = Guid.NewGuid();
        var day = new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
        for (var round = 0; round < 3; round++)
        {
            await using var session = store.LightweightSession();
            foreach (var user in new[] { "tenant_a", "tenant_b", "tenant_c" })
            {
                var stream = ConsumerStream.Key(org, user);
                if (round == 0) session.Events.Append(stream, new ConsumerRegistered(org, user, RegistrationSource.FirstTraffic, null, day));
                session.Events.Append($"usage-{org}-{round}-{user}", Enumerable.Range(0, 40).Select(i => (object)new UsageSettled(
                    org, $"r{round}-{user}-{i}", $"key_{i % 3}", null, user, i % 2 == 0 ? "gpt-4o" : "claude", null,
                    10 * i, 5 * i, 0.01m * (i + 1), i % 9 == 0 ? UsageStatus.Error : UsageStatus.Success, 100,
                    day.AddHours(round * 30 + i))).ToArray());
                session.Events.Append(stream, new RequestRejected(org, $"x{round}-{user}", "key_0", null, user, "gpt-4o",
                    CapScope.Consumer, round == 1 ? LimitKind.Rpm : LimitKind.MaxBudget, 10, 11, day.AddHours(round * 30)));
            }
            var before = ConsumerLimits.None with { MarkupPercentage = round == 0 ? null : 10m * round };
            session.Events.Append(ConsumerStream.Key(org, "tenant_a"), new OverrideChanged(org, "tenant_a", before,
                before with { MarkupPercentage = 10m * (round + 1) }, "alice", day.AddHours(round * 30 + 20)));
            session.Events.Append(ConsumerStream.Key(org, "tenant_b"),
                new TagAdded(org, "tenant_b", Guid.NewGuid(), $"plan:{round}", "alice", day.AddHours(round * 30 + 5)));
            await session.SaveChangesAsync();
        }
        await using (var last = store.LightweightSession())
        {
            last.Events.Append(ConsumerStream.Key(org, "tenant_c"), new ConsumerRetired(org, "tenant_c", "alice", day.AddDays(5)));
            await last.SaveChangesAsync();
        }
    }

    private static async Task<List<string>> RowsAsync(NpgsqlDataSource dataSource, string projection)
    {
        var rows = new List<string>();
        foreach (var table in LedgerStore.EmptiedOnRebuild(projection))
        {
            await using var command = dataSource.CreateCommand($"select '{table}' || t::text from {table} t order by 1");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
