namespace Ledger.Api.Webhooks;

/// <summary>The events a webhook can subscribe to (docs/alerts.md).</summary>
public static class WebhookEvents
{
    public const string BudgetThresholdCrossed = "budget.threshold_crossed";
    public const string ConsumerAnomalyFlagged = "consumer.anomaly_flagged";

    public static readonly string[] All = [BudgetThresholdCrossed, ConsumerAnomalyFlagged];
}

/// <summary>
/// What a delivery's body holds, as Standard Webhooks lays it out: the event type, when it happened, and
/// its data (organization, consumer, cap, limit, current value and time).
/// </summary>
public sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, AlertData Data);

/// <summary>
/// One alert. <see cref="Cap"/> is max_budget or period_budget for a budget threshold (with the
/// <see cref="ThresholdPercent"/> reached and, for a period budget, the period), or the anomaly rule
/// that flagged the consumer (with <see cref="Reasons"/>: every rule it broke).
/// </summary>
public sealed record AlertData(
    Guid OrganizationId, string EndUserId, string Cap, decimal Limit, decimal Current, DateTimeOffset At,
    int? ThresholdPercent = null, DateTimeOffset? PeriodStart = null, DateTimeOffset? PeriodEnd = null, string[]? Reasons = null);
