using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Keys.Registering;

/// <summary>
/// Registering a gateway key, or moving a registered one to another owner or team. Registering
/// it again unchanged changes nothing. Its owner must be a member.
/// </summary>
public static class RegisterKey
{
    public static Decision Decide(Organization org, string actor, string keyId, string? teamId, string ownerUserId, DateTimeOffset now)
    {
        if (!org.Members.ContainsKey(ownerUserId))
            return Decision.Refuse(RefusalKind.Invalid, "owner_user_id", $"'{ownerUserId}' is not a member of this organization.");
        if (!org.Keys.TryGetValue(keyId, out var key))
            return Decision.Of(new KeyRegistered(org.OrganizationId, keyId, teamId, ownerUserId, actor, now));
        if (key == new Organization.Key(teamId, ownerUserId)) return Decision.Nothing;
        return Decision.Of(new KeyReassigned(org.OrganizationId, keyId, teamId, ownerUserId, actor, now));
    }
}
