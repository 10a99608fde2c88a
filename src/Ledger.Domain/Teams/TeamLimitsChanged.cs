using Ledger.Domain.Admissions;

namespace Ledger.Domain.Teams;

/// <summary>A team's caps changed. Carries them whole before and after, for the audit trail.</summary>
public sealed record TeamLimitsChanged(
    Guid OrganizationId, string TeamId, RateLimits Before, RateLimits After, string Actor, DateTimeOffset ChangedAt);
