using System.Diagnostics;

namespace Ledger.Bench;

/// <summary>
/// Untimed load before a measurement, in rounds of about three seconds at full concurrency, until two
/// rounds in a row agree within 5 % on the rate and on the CPU per event of the process under test,
/// and at least <c>minimum</c> has passed. .NET's tiered JIT compiles hot code three times (quick, then
/// instrumented, then optimized with what the instrumentation saw), and under saturation its
/// background compiler gets little CPU: a node that had posted for 30 s still ran most of its
/// daemon's code instrumented (docs/performance.md, "Warming up until the JIT has settled").
/// </summary>
public static class WarmUp
{
    /// <summary>Posts in the first round; later rounds are sized to last about three seconds at the rate just seen.</summary>
    private const int FirstRound = 120;

    /// <param name="post">Posts the given number of posts for the given round (each round its own request ids).</param>
    /// <param name="cpuSeconds">CPU seconds the process under test has used so far.</param>
    /// <param name="args">The bench's batch size and concurrency.</param>
    /// <param name="minimum">Rounds go on at least this long, settled or not; at most 90 s more.</param>
    public static async Task UntilSettledAsync(Func<int, int, Task> post, Func<double> cpuSeconds, BenchArgs args, TimeSpan minimum)
    {
        var clock = Stopwatch.StartNew();
        var maximum = minimum + TimeSpan.FromSeconds(90);
        var posts = FirstRound;
        (double Rate, double Cpu)? last = null;
        var rounds = new List<string>();
        for (var round = 0; clock.Elapsed < maximum; round++)
        {
            var (cpuBefore, started) = (cpuSeconds(), clock.Elapsed);
            await post(round, posts);
            var events = (double)posts * args.BatchSize;
            var (rate, cpu) = (events / (clock.Elapsed - started).TotalSeconds, (cpuSeconds() - cpuBefore) / events);
            rounds.Add($"{rate:F0}/s at {cpu * 1e6:F0} µs");
            var settled = last is var (lastRate, lastCpu) && Math.Abs(rate / lastRate - 1) < 0.05 && Math.Abs(cpu / lastCpu - 1) < 0.05;
            last = (rate, cpu);
            if (settled && clock.Elapsed >= minimum) break;
            posts = Math.Max(args.Concurrency, (int)(rate * 3 / args.BatchSize));
        }
        Console.WriteLine($"warm-up: {clock.Elapsed.TotalSeconds:F0} s; rounds (events/s at CPU per event): {string.Join(", ", rounds)}");
    }
}
