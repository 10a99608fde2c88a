namespace Ledger.Bench;

/// <summary>Runs work items from a fixed number of concurrent workers, each awaiting its item.</summary>
public static class Drive
{
    /// <summary>
    /// Untimed warm-up posts before a measurement, at full concurrency: enough for the JIT's tiered
    /// compilation to finish promoting the hot path, which otherwise runs inside the measured window.
    /// </summary>
    public const int WarmupPosts = 120;

    public static Task ConcurrentlyAsync<T>(IReadOnlyList<T> items, int workers, Func<T, Task> work)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count) await work(items[i]);
        }));
    }
}
