namespace Ledger.Domain.Keys;

/// <summary>A registered key moved to another owner or team.</summary>
public sealed record KeyReassigned(
    Guid OrganizationId, string KeyId, string? TeamId, string OwnerUserId, string ReassignedBy, DateTimeOffset ReassignedAt);
