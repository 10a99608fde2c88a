using Ledger.Projections.ConsumerRanking;
using Marten;

namespace Ledger.Api.Background;

/// <summary>
/// Keeps the consumer list's orders (<see cref="ConsumerRankingRefresh"/>): computes those due, then
/// waits four times as long as that took, within <see cref="ConsumerRankingRefresh.MinimumInterval"/>
/// and <see cref="ConsumerRankingRefresh.MaximumInterval"/>.
/// </summary>
public sealed class ConsumerRankingRefreshes(
    IServiceProvider services, IDocumentStore store, TimeProvider clock, ILogger<ConsumerRankingRefreshes> logger)
    : RecurringWork(services, clock, logger)
{
    protected override string What => "Computing the consumer list's orders";

    protected override async Task<TimeSpan> TurnAsync(CancellationToken ct)
    {
        var started = Clock.GetTimestamp();
        await ConsumerRankingRefresh.RunAsync(store, wait: false, all: false, logger, ct);
        return ConsumerRankingRefresh.Pause(Clock.GetElapsedTime(started));
    }
}
