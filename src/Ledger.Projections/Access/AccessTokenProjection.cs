using Ledger.Domain.Access;
using Marten.Events.Projections;

namespace Ledger.Projections.Access;

/// <summary>Live tokens by hash. A revoked token's document is deleted in the revoking transaction.</summary>
public sealed partial class AccessTokenProjection : MultiStreamProjection<AccessToken, string>
{
    public AccessTokenProjection()
    {
        Identity<TokenIssued>(e => e.TokenHash);
        Identity<TokenRevoked>(e => e.TokenHash);
    }

    public static AccessToken Create(TokenIssued e) =>
        new(e.TokenHash, e.OrganizationId, e.TokenId, e.Role, e.UserId, e.IssuedAt);

    public static bool ShouldDelete(TokenRevoked e) => true;
}
