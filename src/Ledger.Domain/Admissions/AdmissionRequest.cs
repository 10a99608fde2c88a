namespace Ledger.Domain.Admissions;

/// <summary>
/// A gateway asking whether one request may go ahead. <see cref="EndUserId"/> is null when the
/// request names no consumer (or a reserved identifier): then only key and team caps apply.
/// </summary>
public sealed record AdmissionRequest(
    Guid OrganizationId,
    string RequestId,
    string KeyId,
    string? TeamId,
    string? EndUserId,
    string Model,
    long? EstimatedInputTokens,
    decimal EstimatedCostUsd)
{
    /// <summary>Every scope whose caps apply: the consumer (if named), the key, and the team (if named).</summary>
    public IEnumerable<ScopeKey> Scopes()
    {
        if (EndUserId is not null) yield return new ScopeKey(OrganizationId, CapScope.Consumer, EndUserId);
        yield return new ScopeKey(OrganizationId, CapScope.Key, KeyId);
        if (TeamId is not null) yield return new ScopeKey(OrganizationId, CapScope.Team, TeamId);
    }
}

/// <summary>One scope of one organization: the unit caps are set on and admissions are serialized by.</summary>
public readonly record struct ScopeKey(Guid OrganizationId, CapScope Scope, string Id);
