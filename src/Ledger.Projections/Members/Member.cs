using Ledger.Domain.Access;

namespace Ledger.Projections.Members;

/// <summary>A member as authentication sees it: its current role applies to every token it holds.</summary>
public sealed record Member(string Id, Guid OrganizationId, string UserId, Role Role, DateTimeOffset AddedAt)
{
    public static string Key(Guid organizationId, string userId) => $"{organizationId:N}:{userId}";
}
