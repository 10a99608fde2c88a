namespace Ledger.Domain.Admissions;

/// <summary>
/// An admission's reservation ended without its usage settling: it expired. Its estimated cost
/// no longer counts against any budget.
/// </summary>
public sealed record ReservationReleased(
    Guid OrganizationId, string RequestId, Guid ReservationId, decimal EstimatedCostUsd, DateTimeOffset ExpiredAt, DateTimeOffset ReleasedAt);
