using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Access.Tokens;

/// <summary>Issuing another token to an existing member, e.g. to rotate one. Owners' tokens only by an owner.</summary>
public static class IssueToken
{
    public static Decision Decide(Organization org, string actor, string userId, Guid tokenId, string tokenHash, DateTimeOffset now)
    {
        if (org.RoleOf(userId) is not { } role)
            return Decision.Refuse(RefusalKind.NotFound, "user_id", $"'{userId}' is not a member of this organization.");
        if (role is Role.Owner && org.RoleOf(actor) is not Role.Owner)
            return Decision.Refuse(RefusalKind.Forbidden, "user_id", "Only an owner may issue a token to an owner.");
        return Decision.Of(new TokenIssued(org.OrganizationId, tokenId, tokenHash, role, userId, actor, now));
    }

    /// <summary>Another ingest token for the gateway, e.g. to rotate the one <c>org create</c> printed.</summary>
    public static Decision ForGateway(Organization org, string actor, Guid tokenId, string tokenHash, DateTimeOffset now) =>
        Decision.Of(new TokenIssued(org.OrganizationId, tokenId, tokenHash, Role.Ingest, null, actor, now));
}
