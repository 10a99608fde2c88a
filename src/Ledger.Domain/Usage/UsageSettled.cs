using Ledger.Domain.Money;

namespace Ledger.Domain.Usage;

/// <summary>
/// What one gateway request used. <see cref="EndUserId"/> is the consumer it is attributed to, or
/// null when the gateway named none (or a reserved identifier): such usage counts for the org only.
/// <see cref="OccurredAt"/> is when the gateway says the request happened, not when it was recorded.
/// <see cref="CostSource"/> is null when the gateway gave the cost (so for every event stored before
/// Ledger priced usage), else where Ledger took it from.
/// </summary>
public sealed record UsageSettled(
    Guid OrganizationId,
    string RequestId,
    string KeyId,
    string? TeamId,
    string? EndUserId,
    string Model,
    string? Provider,
    long InputTokens,
    long OutputTokens,
    decimal CostUsd,
    UsageStatus Status,
    int? LatencyMs,
    DateTimeOffset OccurredAt)
{
    /// <summary>What the request cost under the money rule (<see cref="Usd"/>): what every fold counts, for events stored before it too.</summary>
    public decimal Cost() => Usd.Round(CostUsd);

    public CostSource? CostSource { get; init; }
}
