namespace Ledger.Domain.Consumers;

/// <summary>
/// The organization's default consumer caps changed: they apply to every consumer, for each kind
/// of cap its own override does not set. Markup and notes are never defaults.
/// </summary>
public sealed record ConsumerDefaultsChanged(
    Guid OrganizationId, ConsumerLimits Before, ConsumerLimits After, string Actor, DateTimeOffset ChangedAt);
