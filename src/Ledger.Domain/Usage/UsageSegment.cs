namespace Ledger.Domain.Usage;

/// <summary>
/// Usage is appended to per-organization segments, one stream per organization, UTC hour of
/// recording, writer process, writer lane and slice, rather than to one stream per consumer. A batch of a thousand
/// records from a thousand consumers then touches a few streams instead of a thousand, and no
/// stream grows beyond one hour of one lane's traffic. Only one transaction at a time appends to a
/// segment, so appends never race on a stream version. No decision ever loads a segment: consumer
/// totals are kept by an inline projection. See docs/architecture.md, "Stream design".
/// </summary>
public static class UsageSegment
{
    /// <summary>
    /// A transaction spreads its usage over parallel segments in slices of this size: Marten's
    /// quick-append function costs more per event the more events one call carries (its result
    /// array is grown per event), and at 2,000 events a call it takes twice as long per event.
    /// </summary>
    public const int MaxEventsPerAppend = 250;

    public static string Key(Guid organizationId, DateTimeOffset recordedAt, string writer, int lane, int slice) =>
        $"usage:{organizationId:N}:{recordedAt.UtcDateTime:yyyyMMddHH}:{writer}:{lane}:{slice}";
}
