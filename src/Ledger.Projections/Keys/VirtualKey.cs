namespace Ledger.Projections.Keys;

/// <summary>A registered gateway key and the member who owns it; members see the consumers of keys they own.</summary>
public sealed record VirtualKey(string Id, Guid OrganizationId, string KeyId, string? TeamId, string OwnerUserId, DateTimeOffset RegisteredAt)
{
    public static string Key(Guid organizationId, string keyId) => $"{organizationId:N}:{keyId}";
}
