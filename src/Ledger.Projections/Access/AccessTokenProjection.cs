using Ledger.Domain.Access;
using Marten.Events.Projections;

namespace Ledger.Projections.Access;

public sealed partial class AccessTokenProjection : MultiStreamProjection<AccessToken, string>
{
    public AccessTokenProjection()
    {
        Identity<TokenIssued>(e => e.TokenHash);
    }

    public static AccessToken Create(TokenIssued e) =>
        new(e.TokenHash, e.OrganizationId, e.TokenId, e.Role, e.UserId, e.IssuedAt);
}
