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
    public IEnumerable<ScopeKey> Scopes() => ScopeKey.Of(OrganizationId, EndUserId, KeyId, TeamId);
}

/// <summary>One scope of one organization: the unit caps are set on and admissions are serialized by.</summary>
public readonly record struct ScopeKey(Guid OrganizationId, CapScope Scope, string Id)
{
    /// <summary>The scopes a request (or its usage) belongs to: the consumer (if named), the key, and the team (if named).</summary>
    public static IEnumerable<ScopeKey> Of(Guid organizationId, string? endUserId, string keyId, string? teamId)
    {
        if (endUserId is not null) yield return new ScopeKey(organizationId, CapScope.Consumer, endUserId);
        yield return new ScopeKey(organizationId, CapScope.Key, keyId);
        if (teamId is not null) yield return new ScopeKey(organizationId, CapScope.Team, teamId);
    }
}
