namespace Ledger.Domain.Admissions;

/// <summary>
/// Admission events (admitted, rejected, released) are appended to per-organization segments, as
/// usage is (see <c>UsageSegment</c>): one stream per organization, UTC hour, writer and slice.
/// A writer (a node's event publisher or its expiry) appends in one transaction at a time, so no
/// two transactions ever append to the same stream.
/// </summary>
public static class AdmissionSegment
{
    public const int MaxEventsPerAppend = 250;

    public static string Key(Guid organizationId, DateTimeOffset at, string writer, int slice) =>
        $"admissions:{organizationId:N}:{at.UtcDateTime:yyyyMMddHH}:{writer}:{slice}";
}
