using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Ingest.GroupCommit;

/// <summary>
/// Group commit: items wait in a bounded queue; each writer lane takes whatever has queued up (up
/// to <see cref="MaxWeightPerTransaction"/>) and stores it in one transaction, so concurrent
/// requests share one commit and one round trip per step. An item's task completes only after its
/// transaction committed. If a group fails, each item is tried alone, so one bad item never fails
/// the others that happened to share its transaction; unless the database could not be reached
/// (<see cref="TransientRetry.IsUnreachable"/>), which no item causes: then the whole group fails at
/// once, rather than each of its items waiting out the same connection timeouts in turn.
/// </summary>
public abstract partial class GroupCommitQueue<TItem, TResult>(int lanes, int capacity, int maxAttempts, ILogger logger) : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    protected abstract int MaxWeightPerTransaction { get; }

    /// <summary>How much of a transaction's room an item takes.</summary>
    protected abstract int WeightOf(TItem item);

    /// <summary>Stores a group in one transaction; one result per item, in order.</summary>
    protected abstract Task<IReadOnlyList<TResult>> WriteAsync(IReadOnlyList<TItem> group, int lane);

    /// <summary>What a caller is told when its item could not be confirmed as stored.</summary>
    protected abstract Exception Unavailable(Exception cause);

    /// <summary>Queues the item and waits until it is stored.</summary>
    public async Task<TResult> SubmitAsync(TItem item, CancellationToken ct) => await await EnqueueAsync(item, ct);

    /// <summary>
    /// Queues the item, waiting only while the queue is full (so a caller that does not wait for the commit is still
    /// held back when the lanes fall behind), and returns the task that completes once it is stored.
    /// </summary>
    public async ValueTask<Task<TResult>> EnqueueAsync(TItem item, CancellationToken ct)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException e)
        {
            throw Unavailable(e); // shutting down: this node takes no more work
        }
        return pending.Done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, lanes).Select(RunLaneAsync));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking work, then let the lanes drain what was already accepted into the queue.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private long _transactions;
    private long _itemsGrouped;

    /// <summary>Transactions since start, and the items they took: how well items group.</summary>
    public (long Transactions, long Items) Grouping => (Interlocked.Read(ref _transactions), Interlocked.Read(ref _itemsGrouped));

    private async Task RunLaneAsync(int lane)
    {
        var group = new List<Pending>();
        var queue = GroupCommitMeter.QueueOf(GetType());
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            group.Clear();
            var weight = 0;
            while (weight < MaxWeightPerTransaction && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                weight += WeightOf(next.Item);
            }
            if (group.Count == 0) continue;
            Interlocked.Increment(ref _transactions);
            Interlocked.Add(ref _itemsGrouped, group.Count);
            GroupCommitMeter.Grouped(group.Count, queue);
            await FlushAsync(group, lane);
        }
    }

    private async Task FlushAsync(List<Pending> group, int lane)
    {
        try
        {
            var results = await TransientRetry.RunAsync(() => WriteAsync(group.Select(p => p.Item).ToList(), lane), maxAttempts, logger);
            for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
        }
        catch (Exception e) when (group.Count > 1 && !TransientRetry.IsUnreachable(e))
        {
            LogGroupSplit(logger, e, group.Count);
            foreach (var item in group) await FlushAsync([item], lane);
        }
        catch (Exception e)
        {
            LogFlushFailed(logger, e, group.Count);
            foreach (var item in group) item.Done.TrySetException(Unavailable(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A transaction of {Items} items failed; storing each on its own")]
    private static partial void LogGroupSplit(ILogger logger, Exception e, int items);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Items} item(s) failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception e, int items);

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);
}
