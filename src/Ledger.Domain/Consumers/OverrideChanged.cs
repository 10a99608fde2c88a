namespace Ledger.Domain.Consumers;

/// <summary>A consumer's caps changed. Carries the whole override before and after, for the audit trail.</summary>
public sealed record OverrideChanged(
    Guid OrganizationId, string EndUserId, ConsumerLimits Before, ConsumerLimits After, string Actor, DateTimeOffset ChangedAt);
