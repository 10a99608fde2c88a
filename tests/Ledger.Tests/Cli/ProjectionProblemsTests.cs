using Ledger.Api.Cli;
using Ledger.Domain.Usage;
using Ledger.Projections.Failures;
using Ledger.Projections.Rebuilds;
using Ledger.Projections.SpendLog;
using Ledger.Tests.Infrastructure;
using Marten;

namespace Ledger.Tests.Cli;

/// <summary><c>ledger projections status</c> says which projection stopped, where and why, not only that it lags.</summary>
public sealed class ProjectionProblemsTests
{
    private const string Progression = "ledger.mt_event_progression";
    private static readonly string Shard = AsyncShards.Shard(SpendLogProjection.ProjectionName).Identity;

    [Fact]
    public async Task a_projection_the_daemon_paused_and_an_organization_skipped_are_listed_with_their_errors()
    {
        await using var sibling = await SiblingStore.CreateAsync("projection_problems");
        var (store, dataSource) = (sibling.Store, sibling.DataSource);
        var org = Guid.NewGuid();
        await sibling.ExecuteAsync(
            $"""
            insert into {ProjectionFailuresTable.Name} (projection, organization_id, error, failed_at)
                values ('consumer_ranking', '{org}', 'InvalidCastException: Column is null', now());
            """);
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAgentAsync(Shard, CancellationToken.None);
        await AppendUsageAsync(store, org, "r1");
        await UntilAsync(sibling, $"select count(*) from {Progression} where name = '{Shard}' and last_seq_id >= 1", "the spend log processed the first event");

        // Then the spend log's table refuses every row (as a full disk or a broken migration would), so its shard stops.
        await sibling.ExecuteAsync(
            $"""
            create function ledger.refuse_row() returns trigger language plpgsql as $$ begin raise exception 'spend log refused a row'; end $$;
            create trigger refuse before insert on {SpendLogTable.Name} for each row execute function ledger.refuse_row();
            """);
        await AppendUsageAsync(store, org, "r2");
        await UntilAsync(sibling, $"select count(*) from {Progression} where name = '{Shard}' and pause_reason is not null", "Marten recorded the spend log as paused");
        var problems = await ProjectionProblems.ReadAsync(dataSource, CancellationToken.None);

        var paused = Assert.Single(problems, p => p.Projection == SpendLogProjection.ProjectionName);
        Assert.StartsWith("paused", paused.What, StringComparison.Ordinal);
        Assert.Contains("spend log refused a row", paused.What, StringComparison.Ordinal);
        var skipped = Assert.Single(problems, p => p.Projection == "consumer_ranking");
        Assert.Contains($"skipped organization {org}", skipped.What, StringComparison.Ordinal);
    }

    private static async Task AppendUsageAsync(IDocumentStore store, Guid org, string requestId)
    {
        await using var session = store.LightweightSession();
        session.Events.Append($"usage:{org}", new UsageSettled(org, requestId, "key_prod_1", null, "c1", "gpt-4o", null, 10, 5, 0.5m,
            UsageStatus.Success, null, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    /// <summary>Polls until <paramref name="sql"/> counts a row: Marten retries a failed page before it pauses the shard.</summary>
    private static async Task UntilAsync(SiblingStore sibling, string sql, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await sibling.ScalarAsync<long>(sql) > 0) return;
            await Task.Delay(200);
        }
        Assert.Fail($"not within 60 s: {what}");
    }

}
