namespace Ledger.Bench;

/// <summary>Runs work items from a fixed number of concurrent workers, each awaiting its item.</summary>
public static class Drive
{
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
