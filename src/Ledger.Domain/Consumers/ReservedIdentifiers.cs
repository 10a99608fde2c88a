namespace Ledger.Domain.Consumers;

/// <summary>
/// Identifiers gateways send when they have no real end user. Usage under them counts for the
/// organization but never creates or lists a consumer (SPEC §1).
/// </summary>
public sealed record ReservedIdentifiers(IReadOnlyCollection<string> Exact, IReadOnlyCollection<string> Prefixes)
{
    public static readonly ReservedIdentifiers Default = new(["default_user_id"], ["__ledger"]);

    public bool IsReserved(string endUserId) =>
        Exact.Contains(endUserId, StringComparer.Ordinal)
        || Prefixes.Any(p => endUserId.StartsWith(p, StringComparison.Ordinal));

    /// <summary>The consumer a usage record is attributed to, or null for org-level-only usage.</summary>
    public string? Attribute(string? user) =>
        string.IsNullOrEmpty(user) || IsReserved(user) ? null : user;
}
