using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Consumers.Defaults;

/// <summary>Replacing the organization's default consumer caps, whole. Setting them unchanged changes nothing.</summary>
public static class SetDefaults
{
    public static Decision Decide(Organization org, ConsumerLimits defaults, string actor, DateTimeOffset now)
    {
        if (defaults.MarkupPercentage is not null || defaults.Notes is not null)
            return Decision.Refuse(RefusalKind.Invalid, "markup_percentage", "Markup and notes belong to one consumer, not to the defaults.");
        return org.ConsumerDefaults == defaults
            ? Decision.Nothing
            : Decision.Of(new ConsumerDefaultsChanged(org.OrganizationId, org.ConsumerDefaults, defaults, actor, now));
    }
}
