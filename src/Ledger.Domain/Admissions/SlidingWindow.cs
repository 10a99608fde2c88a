namespace Ledger.Domain.Admissions;

/// <summary>
/// The 60-second window of a rate (admissions for rpm, settled tokens for tpm), oldest first.
/// An entry counts while it is younger than <see cref="Admit.Window"/>: one exactly 60 s old has aged out.
/// </summary>
public static class SlidingWindow
{
    /// <summary>Entries kept exactly; past this many, neighbours merge (see <see cref="Compact"/>).</summary>
    public const int MaxEntries = 128;

    public static IEnumerable<WindowEntry> Inside(IEnumerable<WindowEntry> entries, DateTimeOffset now) =>
        entries.Where(e => e.At > now - Admit.Window);

    /// <summary>What the window holds at <paramref name="now"/>.</summary>
    public static long Sum(IReadOnlyList<WindowEntry> entries, DateTimeOffset now)
    {
        var (since, sum) = (now - Admit.Window, 0L);
        for (var i = 0; i < entries.Count; i++)
            if (entries[i].At > since) sum += entries[i].Amount;
        return sum;
    }

    /// <summary>
    /// The window with <paramref name="amount"/> more at <paramref name="at"/>, kept in order of time:
    /// a lease's slots sit at the lease's end (<see cref="ScopeLease"/>), after admissions made before it.
    /// </summary>
    public static IReadOnlyList<WindowEntry> Add(IReadOnlyList<WindowEntry> entries, DateTimeOffset at, long amount)
    {
        var list = new List<WindowEntry>(entries.Count + 1);
        list.AddRange(entries);
        var i = list.Count;
        while (i > 0 && list[i - 1].At > at) i--;
        if (i > 0 && list[i - 1].At == at) list[i - 1] = list[i - 1] with { Amount = list[i - 1].Amount + amount };
        else list.Insert(i, new WindowEntry(at, amount));
        return list;
    }

    /// <summary>
    /// Drops what has aged out by <paramref name="now"/> and, while more than <paramref name="maxEntries"/>
    /// remain, merges each pair of neighbours into the later one. A merged amount is counted from a
    /// later moment than it happened, so it ages out later: the window may refuse slightly early,
    /// never admit more than the limit. Up to <paramref name="maxEntries"/> admissions a minute (any
    /// rpm limit up to that) it stays exact.
    /// </summary>
    public static IReadOnlyList<WindowEntry> Compact(IReadOnlyList<WindowEntry> entries, DateTimeOffset now, int maxEntries = MaxEntries)
    {
        var list = Inside(entries, now).ToList();
        while (list.Count > maxEntries)
        {
            var merged = new List<WindowEntry>(list.Count / 2 + 1);
            // Merge from the newest end so that the most recent entry keeps its exact moment.
            var i = list.Count - 1;
            for (; i > 0; i -= 2) merged.Add(new WindowEntry(list[i].At, list[i].Amount + list[i - 1].Amount));
            if (i == 0) merged.Add(list[0]);
            merged.Reverse();
            list = merged;
        }
        return list;
    }
}
