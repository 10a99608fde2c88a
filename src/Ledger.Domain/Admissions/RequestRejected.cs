namespace Ledger.Domain.Admissions;

/// <summary>A request was refused by a cap; it holds no reservation and is never billed. Kept for analytics.</summary>
public sealed record RequestRejected(
    Guid OrganizationId,
    string RequestId,
    string KeyId,
    string? TeamId,
    string? EndUserId,
    string Model,
    CapScope Scope,
    LimitKind LimitKind,
    decimal Limit,
    decimal Current,
    DateTimeOffset RejectedAt);
