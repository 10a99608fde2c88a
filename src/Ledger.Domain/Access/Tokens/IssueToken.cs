using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Access.Tokens;

/// <summary>Issuing another token to an existing member, e.g. to rotate one: by the member itself or by an owner.</summary>
public static class IssueToken
{
    public static Decision Decide(Organization org, string actor, string userId, Guid tokenId, string tokenHash, DateTimeOffset now)
    {
        if (org.RoleOf(userId) is not { } role)
            return Decision.Refuse(RefusalKind.NotFound, "user_id", $"'{userId}' is not a member of this organization.");
        // A token acts, and is audited, as its member: an admin minting one for someone else could act as them.
        if (actor != userId && org.RoleOf(actor) is not Role.Owner)
            return Decision.Refuse(RefusalKind.Forbidden, "user_id", "Only the member itself or an owner may issue a token to a member.");
        return Decision.Of(new TokenIssued(org.OrganizationId, tokenId, tokenHash, role, userId, actor, now));
    }

    /// <summary>Another ingest token for the gateway, e.g. to rotate the one <c>org create</c> printed.</summary>
    public static Decision ForGateway(Organization org, string actor, Guid tokenId, string tokenHash, DateTimeOffset now) =>
        Decision.Of(new TokenIssued(org.OrganizationId, tokenId, tokenHash, Role.Ingest, null, actor, now));
}
