using Ledger.Domain.Consumers;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.Consumers;
using Ledger.Projections.Failures;
using Ledger.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Tests.Projections;

/// <summary>
/// One organization whose consumer rows cannot be ordered (here a row a release's bug left
/// unreadable) no longer stops the list order of every other organization: it is skipped, and
/// the failure is kept where <c>ledger projections status</c> shows it.
/// </summary>
public sealed class ConsumerRankingIsolationTests
{
    [Fact]
    public async Task an_organization_whose_rows_cannot_be_ordered_is_skipped_and_recorded_while_the_others_are_ordered()
    {
        await using var sibling = await SiblingStore.CreateAsync("ranking_isolation");
        var (store, dataSource) = (sibling.Store, sibling.DataSource);
        var (broken, healthy) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var session = store.LightweightSession())
        {
            foreach (var (org, user) in new[] { (broken, "b1"), (healthy, "h1"), (healthy, "h2") })
                session.Events.StartStream(ConsumerStream.Key(org, user), new ConsumerRegistered(org, user, RegistrationSource.PreRegistration, "alice", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await sibling.ExecuteAsync(
            $"alter table {ConsumersTable.Name} alter column requests drop not null; update {ConsumersTable.Name} set requests = null where organization_id = '{broken}'");

        Assert.Equal(2L, await ConsumerRankingRefresh.DueCountAsync(dataSource, CancellationToken.None));
        Assert.Equal(2, await ConsumerRankingRefresh.RunAsync(store, wait: true, all: false, NullLogger.Instance, CancellationToken.None));

        Assert.Equal(0L, await sibling.ScalarAsync<long>($"select count(*) from {ConsumerRankingTable.Name} where organization_id = '{broken}'"));
        Assert.Equal(5L, await sibling.ScalarAsync<long>($"select count(*) from {ConsumerRankingTable.Name} where organization_id = '{healthy}'"));
        var failure = Assert.Single(await ProjectionFailuresTable.ReadAsync(dataSource, CancellationToken.None));
        Assert.Equal((ConsumerRankingRefresh.Name, broken), (failure.Projection, failure.OrganizationId));
        // Skipped until its next change, not tried (and logged) again at every turn.
        Assert.Equal(0L, await ConsumerRankingRefresh.DueCountAsync(dataSource, CancellationToken.None));
        Assert.Equal(0, await ConsumerRankingRefresh.RunAsync(store, wait: true, all: false, NullLogger.Instance, CancellationToken.None));

        // Mended, the organization is ordered with its next change and its failure is gone.
        await sibling.ExecuteAsync($"update {ConsumersTable.Name} set requests = 0 where organization_id = '{broken}'");
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(ConsumerStream.Key(broken, "b2"), new ConsumerRegistered(broken, "b2", RegistrationSource.PreRegistration, "alice", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        Assert.Equal(1, await ConsumerRankingRefresh.RunAsync(store, wait: true, all: false, NullLogger.Instance, CancellationToken.None));
        Assert.Equal(5L, await sibling.ScalarAsync<long>($"select count(*) from {ConsumerRankingTable.Name} where organization_id = '{broken}'"));
        Assert.Empty(await ProjectionFailuresTable.ReadAsync(dataSource, CancellationToken.None));
    }
}
