using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Access.Members;

/// <summary>
/// Re-roling a member. Only an owner may make or unmake an owner, and the last owner keeps the
/// role, so an organization can never lock itself out.
/// </summary>
public static class ChangeRole
{
    public static Decision Decide(Organization org, string actor, string userId, Role role, DateTimeOffset now)
    {
        if (org.RoleOf(userId) is not { } current)
            return Decision.Refuse(RefusalKind.NotFound, "user_id", $"'{userId}' is not a member of this organization.");
        if (current == role) return Decision.Nothing;
        if ((role is Role.Owner || current is Role.Owner) && org.RoleOf(actor) is not Role.Owner)
            return Decision.Refuse(RefusalKind.Forbidden, "role", "Only an owner may grant or take away the owner role.");
        if (current is Role.Owner && org.Owners == 1)
            return Decision.Refuse(RefusalKind.Conflict, "role", $"'{userId}' is the last owner; make another member owner first.");
        return Decision.Of(new MemberRoleChanged(org.OrganizationId, userId, current, role, actor, now));
    }
}
