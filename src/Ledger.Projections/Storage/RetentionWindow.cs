namespace Ledger.Projections.Storage;

/// <summary>
/// The audit trail and the spend log cover a rolling 90 days. The window is applied when reading
/// (and by the purge of expired rows), never when projecting: a projection does not read the
/// clock, so a rebuild stores the same rows as the live run, and the same window of them is shown.
/// </summary>
public static class RetentionWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromDays(90);

    public static DateTimeOffset Start(DateTimeOffset now) => now - Length;
}
