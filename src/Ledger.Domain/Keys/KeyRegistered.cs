namespace Ledger.Domain.Keys;

/// <summary>A gateway virtual key was registered with the team it belongs to and the member who owns it.</summary>
public sealed record KeyRegistered(
    Guid OrganizationId, string KeyId, string? TeamId, string OwnerUserId, string RegisteredBy, DateTimeOffset RegisteredAt);
