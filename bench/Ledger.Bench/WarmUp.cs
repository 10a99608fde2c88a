using System.Diagnostics;

namespace Ledger.Bench;

/// <summary>
/// Untimed load before a measurement, in rounds of about three seconds at full concurrency, until two
/// rounds in a row agree within 5 % on the rate and on the CPU per unit of work of the process under
/// test, and at least <c>minimum</c> has passed. .NET's tiered JIT compiles hot code three times (quick, then
/// instrumented, then optimized with what the instrumentation saw), and under saturation its
/// background compiler gets little CPU: a node that had posted for 30 s still ran most of its
/// daemon's code instrumented (docs/performance.md, "Warming up until the JIT has settled"). A new
/// PostgreSQL cluster also starts cold.
/// </summary>
public static class WarmUp
{
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(15);

    /// <summary>Posts in the first round of <see cref="PostsUntilSettledAsync"/>.</summary>
    private const int FirstRound = 120;

    /// <param name="round">Runs round number n, of about three seconds, and returns how many units of work (events, admissions) it did.</param>
    /// <param name="cpuSeconds">CPU seconds the processes under test have used so far.</param>
    /// <param name="minimum">Rounds go on at least this long, settled or not; at most 90 s more.</param>
    /// <param name="unit">What a unit of work is, for the printed rounds.</param>
    public static async Task UntilSettledAsync(Func<int, Task<double>> round, Func<double> cpuSeconds, TimeSpan minimum, string unit)
    {
        var clock = Stopwatch.StartNew();
        var maximum = minimum + TimeSpan.FromSeconds(90);
        (double Rate, double Cpu)? last = null;
        var rounds = new List<string>();
        for (var n = 0; clock.Elapsed < maximum; n++)
        {
            var (cpuBefore, started) = (cpuSeconds(), clock.Elapsed);
            var done = await round(n);
            var (rate, cpu) = (done / (clock.Elapsed - started).TotalSeconds, (cpuSeconds() - cpuBefore) / done);
            rounds.Add($"{rate:F0}/s at {cpu * 1e6:F0} µs");
            var settled = last is var (lastRate, lastCpu) && Math.Abs(rate / lastRate - 1) < 0.05 && Math.Abs(cpu / lastCpu - 1) < 0.05;
            last = (rate, cpu);
            if (settled && clock.Elapsed >= minimum) break;
        }
        Console.WriteLine($"warm-up: {clock.Elapsed.TotalSeconds:F0} s; rounds ({unit}s/s at CPU per {unit}): {string.Join(", ", rounds)}");
    }

    /// <summary>Rounds of posts of usage: the first of 120 posts, each later one sized to last about three seconds at the rate just seen.</summary>
    /// <param name="post">Posts the given number of posts for the given round (each round its own request ids).</param>
    /// <param name="cpuSeconds">CPU seconds the process under test has used so far.</param>
    /// <param name="args">The bench's batch size and concurrency.</param>
    /// <param name="minimum">As for <see cref="UntilSettledAsync"/>.</param>
    public static Task PostsUntilSettledAsync(Func<int, int, Task> post, Func<double> cpuSeconds, BenchArgs args, TimeSpan minimum)
    {
        var posts = FirstRound;
        return UntilSettledAsync(async n =>
        {
            var clock = Stopwatch.StartNew();
            await post(n, posts);
            var events = (double)posts * args.BatchSize;
            posts = Math.Max(args.Concurrency, (int)(events / clock.Elapsed.TotalSeconds * 3 / args.BatchSize));
            return events;
        }, cpuSeconds, minimum, "event");
    }
}
