using Ledger.Domain.Admissions;
using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Keys.Limiting;

/// <summary>Setting a registered key's caps, whole. Setting them unchanged changes nothing.</summary>
public static class LimitKey
{
    public static Decision Decide(Organization org, string keyId, RateLimits limits, string actor, DateTimeOffset now)
    {
        if (!org.Keys.ContainsKey(keyId))
            return Decision.Refuse(RefusalKind.NotFound, "key_id", $"No key '{keyId}' is registered in this organization.");
        var before = org.KeyLimitsOf(keyId);
        return before == limits ? Decision.Nothing : Decision.Of(new KeyLimitsChanged(org.OrganizationId, keyId, before, limits, actor, now));
    }
}
