using Ledger.Domain.Consumers;
using Ledger.Domain.Money;
using Ledger.Domain.Usage;

namespace Ledger.Ingest.Usage.Settling;

/// <summary>
/// One usage record as a gateway posts it to <c>POST /v1/usage</c> (snake_case on the wire).
/// Everything is nullable so that a missing field is a validation error naming the field,
/// not a serializer exception.
/// </summary>
public sealed record UsageRecord
{
    public string? RequestId { get; init; }
    public string? KeyId { get; init; }
    public string? TeamId { get; init; }
    public string? User { get; init; }
    public string? Model { get; init; }
    public string? Provider { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public decimal? CostUsd { get; init; }
    public string? Status { get; init; }
    public int? LatencyMs { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>
    /// The event this record settles as; call only on a validated record. Without a cost it is
    /// <see cref="CostSource.Unpriced"/> at 0 until the write path prices it.
    /// </summary>
    public UsageSettled ToEvent(Guid organizationId, ReservedIdentifiers reserved, DateTimeOffset now) => new(
        organizationId,
        RequestId!,
        KeyId!,
        string.IsNullOrEmpty(TeamId) ? null : TeamId,
        reserved.Attribute(User),
        Model!,
        string.IsNullOrEmpty(Provider) ? null : Provider,
        InputTokens!.Value,
        OutputTokens!.Value,
        Usd.Round(CostUsd ?? 0m),
        UsageStatuses.Parse(Status!),
        LatencyMs,
        (OccurredAt ?? now).ToUniversalTime())
    {
        CostSource = CostUsd is null ? CostSource.Unpriced : null,
    };
}
