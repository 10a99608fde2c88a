using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Access.Tokens;

/// <summary>
/// Revoking a token, the gateway's included. Owners' tokens only by an owner, and never the last
/// token of the last owner: nobody could administer the organization afterwards.
/// </summary>
public static class RevokeToken
{
    public static Decision Decide(Organization org, string actor, Guid tokenId, DateTimeOffset now)
    {
        if (!org.Tokens.TryGetValue(tokenId, out var token))
            return Decision.Refuse(RefusalKind.NotFound, "token_id", "No live token with that id in this organization.");
        if (token.UserId is { } holder && org.RoleOf(holder) is Role.Owner)
        {
            if (org.RoleOf(actor) is not Role.Owner)
                return Decision.Refuse(RefusalKind.Forbidden, "token_id", "Only an owner may revoke an owner's token.");
            var ownerTokens = org.Tokens.Values.Count(t => t.UserId is { } u && org.RoleOf(u) is Role.Owner);
            if (ownerTokens == 1)
                return Decision.Refuse(RefusalKind.Conflict, "token_id", "This is the last token of any owner; issue another first.");
        }
        return Decision.Of(new TokenRevoked(org.OrganizationId, tokenId, token.Hash, actor, now));
    }
}
