using System.Threading.Channels;
using Ledger.Domain.Usage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ledger.Ingest.Usage.Settling;

/// <summary>
/// Group commit for the usage write path. Posts wait in a bounded queue; each writer lane takes
/// whatever has queued up (up to <see cref="IngestOptions.MaxEventsPerTransaction"/>) and stores
/// it in one transaction, so concurrent posts share one commit and one round trip per step.
/// A post's task completes only after its transaction committed.
/// </summary>
public sealed partial class UsageIngestQueue(
    UsageBatchWriter writer, IOptions<IngestOptions> options, ILogger<UsageIngestQueue> logger) : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait });

    public async Task<IngestResult> SubmitAsync(IReadOnlyList<UsageSettled> usage, CancellationToken ct)
    {
        var pending = new Pending(usage, new TaskCompletionSource<IngestResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException e)
        {
            throw new IngestUnavailableException(e); // shutting down: this node takes no more posts
        }
        return await pending.Done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.WriterLanes).Select(RunLaneAsync));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking posts, then let the lanes drain what was already accepted into the queue.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task RunLaneAsync(int lane)
    {
        var group = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            group.Clear();
            var events = 0;
            while (events < options.Value.MaxEventsPerTransaction && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                events += next.Usage.Count;
            }
            if (group.Count == 0) continue;
            Interlocked.Increment(ref _transactions);
            Interlocked.Add(ref _postsGrouped, group.Count);
            await FlushAsync(group, lane);
        }
    }

    private long _transactions;
    private long _postsGrouped;

    /// <summary>Transactions since start, and the posts they took: how well posts group.</summary>
    public (long Transactions, long Posts) Grouping => (Interlocked.Read(ref _transactions), Interlocked.Read(ref _postsGrouped));

    private async Task FlushAsync(List<Pending> group, int lane)
    {
        try
        {
            var results = await TransientRetry.RunAsync(
                () => writer.WriteAsync(group.Select(p => p.Usage).ToList(), lane, CancellationToken.None),
                options.Value.MaxAttempts, logger);
            for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
        }
        catch (Exception e) when (group.Count > 1)
        {
            // One post must not fail the others that happened to share its transaction: store each alone.
            LogGroupSplit(logger, e, group.Count);
            foreach (var post in group) await FlushAsync([post], lane);
        }
        catch (Exception e)
        {
            LogFlushFailed(logger, e);
            group[0].Done.TrySetException(new IngestUnavailableException(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A transaction of {Posts} usage posts failed; storing each post on its own")]
    private static partial void LogGroupSplit(ILogger logger, Exception e, int posts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing a usage post failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception e);

    private sealed record Pending(IReadOnlyList<UsageSettled> Usage, TaskCompletionSource<IngestResult> Done);
}
