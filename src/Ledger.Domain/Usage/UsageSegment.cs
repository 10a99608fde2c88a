namespace Ledger.Domain.Usage;

/// <summary>
/// Usage is appended to per-organization segments, one stream per organization, UTC hour of
/// recording and writer lane, rather than to one stream per consumer. A batch of a thousand
/// records from a thousand consumers then touches a few streams instead of a thousand, and no
/// stream grows beyond one hour of one lane's traffic. No decision ever loads a segment: consumer
/// totals are kept by an inline projection. See docs/architecture.md, "Stream design".
/// </summary>
public static class UsageSegment
{
    public static string Key(Guid organizationId, DateTimeOffset recordedAt, int lane) =>
        $"usage:{organizationId:N}:{recordedAt.UtcDateTime:yyyyMMddHH}:{lane}";
}
