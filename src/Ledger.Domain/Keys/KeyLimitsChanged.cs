using Ledger.Domain.Admissions;

namespace Ledger.Domain.Keys;

/// <summary>A key's caps changed. Carries them whole before and after, for the audit trail.</summary>
public sealed record KeyLimitsChanged(
    Guid OrganizationId, string KeyId, RateLimits Before, RateLimits After, string Actor, DateTimeOffset ChangedAt);
