using Ledger.Domain.Access;
using Marten.Events.Projections;

namespace Ledger.Projections.Members;

public sealed partial class MemberProjection : MultiStreamProjection<Member, string>
{
    public MemberProjection()
    {
        Identity<MemberAdded>(e => Member.Key(e.OrganizationId, e.UserId));
        Identity<MemberRoleChanged>(e => Member.Key(e.OrganizationId, e.UserId));
    }

    public static Member Create(MemberAdded e) => new(Member.Key(e.OrganizationId, e.UserId), e.OrganizationId, e.UserId, e.Role, e.AddedAt);

    public static Member Apply(MemberRoleChanged e, Member member) => member with { Role = e.Role };
}
