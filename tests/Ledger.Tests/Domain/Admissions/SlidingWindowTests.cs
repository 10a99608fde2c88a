using Ledger.Domain.Admissions;

namespace Ledger.Tests.Domain.Admissions;

/// <summary>The stored window: exact up to its size, and never counting less than the exact window when merged.</summary>
public sealed class SlidingWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void compacting_drops_what_has_aged_out_and_keeps_the_rest_exactly()
    {
        IReadOnlyList<WindowEntry> window = [new(Now.AddSeconds(-61), 1), new(Now.AddSeconds(-60), 1), new(Now.AddSeconds(-59), 1)];

        Assert.Equal([new WindowEntry(Now.AddSeconds(-59), 1)], SlidingWindow.Compact(window, Now));
    }

    [Fact]
    public void admissions_at_the_same_moment_share_one_entry()
    {
        var window = SlidingWindow.Add(SlidingWindow.Add([], Now, 1), Now, 1);

        Assert.Equal([new WindowEntry(Now, 2)], window);
    }

    [Fact]
    public void a_merged_window_holds_the_same_total_and_never_ages_anything_out_earlier()
    {
        var exact = Enumerable.Range(0, 1000).Select(i => new WindowEntry(Now.AddMilliseconds(-59_000 + i * 59), 1)).ToList();

        var merged = SlidingWindow.Compact(exact, Now, maxEntries: 16);

        Assert.InRange(merged.Count, 1, 16);
        Assert.Equal(1000, merged.Sum(e => e.Amount));
        Assert.Equal(exact[^1].At, merged[^1].At); // the newest keeps its exact moment
        // At every later moment the merged window counts at least what the exact one does.
        for (var t = Now; t < Now.AddSeconds(61); t = t.AddMilliseconds(250))
            Assert.True(SlidingWindow.Inside(merged, t).Sum(e => e.Amount) >= SlidingWindow.Inside(exact, t).Sum(e => e.Amount));
    }

    [Fact]
    public void the_decision_on_a_merged_window_never_admits_past_the_limit()
    {
        var caps = Caps.None with { RpmLimit = 500 };
        IReadOnlyList<WindowEntry> window = [];
        var admitted = 0;
        // A request every 10 ms for two minutes, the window compacted to 16 entries after each admission.
        for (var t = Now; t < Now.AddMinutes(2); t = t.AddMilliseconds(10))
        {
            if (Admit.Decide([new ScopeState(CapScope.Key, caps, ScopeUsage.Nothing with { Admissions = window })], t) is not null) continue;
            window = SlidingWindow.Compact(SlidingWindow.Add(window, t, 1), t, maxEntries: 16);
            admitted++;
        }

        Assert.InRange(admitted, 900, 1000); // at most 500 in any minute: 1000 over two
    }
}
