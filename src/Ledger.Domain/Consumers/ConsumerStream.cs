namespace Ledger.Domain.Consumers;

/// <summary>
/// One stream per consumer holds its lifecycle (registration, tags, overrides, retirement): a
/// handful of events, never its traffic. Usage lives in usage segments (see UsageSegment).
/// </summary>
public static class ConsumerStream
{
    public static string Key(Guid organizationId, string endUserId) => $"consumer:{organizationId:N}:{endUserId}";
}
