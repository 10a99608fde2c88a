namespace Ledger.Domain.Admissions;

/// <summary>
/// A request may go ahead. Its reservation holds <see cref="EstimatedCostUsd"/> against every
/// budget of its scopes until the request settles or the reservation expires at <see cref="ExpiresAt"/>.
/// </summary>
public sealed record RequestAdmitted(
    Guid OrganizationId,
    string RequestId,
    Guid ReservationId,
    string KeyId,
    string? TeamId,
    string? EndUserId,
    string Model,
    long? EstimatedInputTokens,
    decimal EstimatedCostUsd,
    DateTimeOffset AdmittedAt,
    DateTimeOffset ExpiresAt);
