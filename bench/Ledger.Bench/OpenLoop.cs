using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ledger.Bench;

/// <summary>
/// How a phase of requests went: its rate, latency percentiles (open loop only) and answers by status; and, when the
/// phase singled some requests out, their own percentiles (they count in the phase's as well).
/// </summary>
public sealed record LoadResult(double Rate, double P50, double P99, string Outcomes, (double P50, double P99, int Count)? Apart = null);

/// <summary>The two ways the HTTP benches load a server: on a fixed schedule, and as fast as it answers.</summary>
public static class OpenLoop
{
    /// <summary>
    /// Requests leave on a fixed schedule, each timed from when it was due; the schedule never waits
    /// for answers, so a slow answer cannot hide the requests queued behind it (no coordinated omission).
    /// </summary>
    public static async Task<LoadResult> FixedRateAsync(Func<int, Task<int>> send, int rate, TimeSpan duration, Func<int, bool>? apart = null)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var statuses = new ConcurrentDictionary<int, int>();
        var inFlight = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                var status = await send(index);
                latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
            }));
        }
        await Task.WhenAll(inFlight);
        var singled = apart is null ? null : Percentiles([.. Enumerable.Range(0, total).Where(apart).Select(i => latencies[i])]);
        var (p50, p99, _) = Percentiles(latencies)!.Value;
        return new LoadResult(total / clock.Elapsed.TotalSeconds, p50, p99, Describe(statuses), singled);
    }

    private static (double P50, double P99, int Count)? Percentiles(double[] latencies)
    {
        if (latencies.Length == 0) return null;
        Array.Sort(latencies);
        return (latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)], latencies.Length);
    }

    /// <summary>A fixed number of clients, each sending its next request as soon as the last one answered.</summary>
    public static async Task<LoadResult> SaturateAsync(Func<int, Task<int>> send, int clients, TimeSpan duration)
    {
        var statuses = new ConcurrentDictionary<int, int>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var status = await send(Interlocked.Increment(ref done));
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
            }
        }));
        return new LoadResult(done / clock.Elapsed.TotalSeconds, 0, 0, Describe(statuses));
    }

    private static string Describe(ConcurrentDictionary<int, int> statuses) =>
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} × {s.Key}"));
}
