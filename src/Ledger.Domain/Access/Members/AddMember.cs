using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Access.Members;

/// <summary>Adding a member records the member and issues its first token (only the hash is kept).</summary>
public static class AddMember
{
    public static Decision Decide(
        Organization org, string actor, string userId, Role role, Guid tokenId, string tokenHash, DateTimeOffset now)
    {
        if (org.Members.ContainsKey(userId))
            return Decision.Refuse(RefusalKind.Conflict, "user_id",
                $"'{userId}' is already a member. Change its role with PUT /api/members/{{user_id}}, or issue another token with POST /api/members/{{user_id}}/tokens.");
        if (role is Role.Owner && org.RoleOf(actor) is not Role.Owner)
            return Decision.Refuse(RefusalKind.Forbidden, "role", "Only an owner may add an owner.");
        return Decision.Of(
            new MemberAdded(org.OrganizationId, userId, role, actor, now),
            new TokenIssued(org.OrganizationId, tokenId, tokenHash, role, userId, actor, now));
    }
}
