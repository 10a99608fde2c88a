using Ledger.Domain.Access;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.ModelPrices;
using Ledger.Domain.Organizations;
using Ledger.Domain.Teams;
using Marten.Events.Aggregation;

namespace Ledger.Projections.Organizations;

/// <summary>
/// Folds the <see cref="Organization"/> aggregate live from its stream when a change is decided.
/// The fold lives on the aggregate; this class lets Marten's source generator dispatch to it.
/// </summary>
public sealed partial class OrganizationProjection : SingleStreamProjection<Organization, string>
{
    public Organization Create(OrganizationCreated e) => Organization.Create(e);

    public Organization Apply(MemberAdded e, Organization org) => org.Apply(e);

    public Organization Apply(MemberRoleChanged e, Organization org) => org.Apply(e);

    public Organization Apply(TokenIssued e, Organization org) => org.Apply(e);

    public Organization Apply(TokenRevoked e, Organization org) => org.Apply(e);

    public Organization Apply(KeyRegistered e, Organization org) => org.Apply(e);

    public Organization Apply(KeyReassigned e, Organization org) => org.Apply(e);

    public Organization Apply(KeyLimitsChanged e, Organization org) => org.Apply(e);

    public Organization Apply(TeamLimitsChanged e, Organization org) => org.Apply(e);

    public Organization Apply(ConsumerDefaultsChanged e, Organization org) => org.Apply(e);

    public Organization Apply(ModelPriceChanged e, Organization org) => org.Apply(e);
}
