using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Access.Members;

/// <summary>
/// Re-roling a member. Only an owner may make or unmake an owner, and an owner steps down only
/// while another owner holds a live token, so an organization can never lock itself out.
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
        if (current is Role.Owner && !org.Tokens.Values.Any(t => t.UserId is { } u && u != userId && org.RoleOf(u) is Role.Owner))
            return Decision.Refuse(RefusalKind.Conflict, "role",
                $"'{userId}' is the last owner holding a token; make another member owner (with a token) first.");
        return Decision.Of(new MemberRoleChanged(org.OrganizationId, userId, current, role, actor, now));
    }
}
