using Ledger.Domain.Admissions;
using Marten.Events;

namespace Ledger.Ingest.Admissions;

public static class AdmissionSegments
{
    /// <summary>
    /// Appends one organization's admission events, in order, to this writer's segments of the
    /// current hour, <see cref="AdmissionSegment.MaxEventsPerAppend"/> to a slice.
    /// </summary>
    public static void AppendAdmissionEvents(this IEventOperations events, Guid organizationId, IEnumerable<object> appended, DateTimeOffset now, string writer)
    {
        foreach (var (slice, index) in appended.Chunk(AdmissionSegment.MaxEventsPerAppend).Select((s, i) => (s, i)))
            events.Append(AdmissionSegment.Key(organizationId, now, writer, index), slice);
    }
}
