using Ledger.Domain.Keys;
using Marten.Events.Projections;

namespace Ledger.Projections.Keys;

public sealed partial class VirtualKeyProjection : MultiStreamProjection<VirtualKey, string>
{
    public VirtualKeyProjection()
    {
        Identity<KeyRegistered>(e => VirtualKey.Key(e.OrganizationId, e.KeyId));
        Identity<KeyReassigned>(e => VirtualKey.Key(e.OrganizationId, e.KeyId));
    }

    public static VirtualKey Create(KeyRegistered e) =>
        new(VirtualKey.Key(e.OrganizationId, e.KeyId), e.OrganizationId, e.KeyId, e.TeamId, e.OwnerUserId, e.RegisteredAt);

    public static VirtualKey Apply(KeyReassigned e, VirtualKey key) => key with { TeamId = e.TeamId, OwnerUserId = e.OwnerUserId };
}
