using Ledger.Domain.Admissions;
using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;

namespace Ledger.Domain.Teams.Limiting;

/// <summary>
/// Setting a team's caps, whole. Teams need no registration: a team is any team_id the gateway
/// names, so caps can be set before its first request. Setting them unchanged changes nothing.
/// </summary>
public static class LimitTeam
{
    public static Decision Decide(Organization org, string teamId, RateLimits limits, string actor, DateTimeOffset now)
    {
        var before = org.TeamLimitsOf(teamId);
        return before == limits ? Decision.Nothing : Decision.Of(new TeamLimitsChanged(org.OrganizationId, teamId, before, limits, actor, now));
    }
}
