using Ledger.Domain.Consumers;
using Ledger.Domain.Text;

namespace Ledger.Ingest.Usage.Settling;

/// <summary>
/// Shape rules of one usage record (SPEC §1, §7). They run for every record on the ingest hot path,
/// up to a thousand per post, so they are one plain pass over the fields; the post's validator
/// reports them through FluentValidation with the record's index.
/// </summary>
public static class UsageRecordRules
{
    public const int MaxIdLength = 200;

    /// <summary>Far above any real request, far below what could overflow lifetime totals.</summary>
    public const long MaxTokens = 1_000_000_000;

    public const decimal MaxCostUsd = 1_000_000m;

    /// <summary>Gateway clocks drift; a request reported further ahead than this is refused.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(24);

    public static IEnumerable<(string Field, string Message)> Problems(UsageRecord? r, DateTimeOffset now)
    {
        if (r is null)
        {
            yield return ("", "A usage record must be a JSON object, not null.");
            yield break;
        }
        if (Text("request_id", r.RequestId, required: true) is { } a) yield return a;
        if (Text("key_id", r.KeyId, required: true) is { } b) yield return b;
        if (Text("team_id", r.TeamId, required: false) is { } c) yield return c;
        if (Text("user", r.User, required: false, EndUserId.MaxLength) is { } d) yield return d;
        if (Text("model", r.Model, required: true) is { } e) yield return e;
        if (Text("provider", r.Provider, required: false) is { } f) yield return f;
        if (Count("input_tokens", r.InputTokens) is { } g) yield return g;
        if (Count("output_tokens", r.OutputTokens) is { } h) yield return h;
        // No cost: Ledger prices the request from the organization's model prices.
        if (r.CostUsd is < 0 or > MaxCostUsd) yield return ("cost_usd", $"'cost_usd' must be from 0 to {MaxCostUsd}.");
        if (!UsageStatuses.IsKnown(r.Status)) yield return ("status", "'status' must be 'success' or 'error'.");
        if (r.LatencyMs < 0) yield return ("latency_ms", "'latency_ms' must not be negative.");
        if (r.OccurredAt > now + MaxClockSkew) yield return ("occurred_at", "'occurred_at' must not lie more than 24 hours in the future.");
    }

    public static (string Field, string Message)? Text(string field, string? value, bool required, int max = MaxIdLength) => value switch
    {
        null or "" when required => (field, $"'{field}' is required."),
        null => null,
        { Length: var n } when n > max => (field, $"'{field}' must be at most {max} characters; it has {n}."),
        _ when VisibleText.HasHidden(value) => (field, $"'{field}' {VisibleText.Rule}."),
        _ => null,
    };

    public static (string Field, string Message)? Count(string field, long? value) => value switch
    {
        null => (field, $"'{field}' is required."),
        < 0 or > MaxTokens => (field, $"'{field}' must be from 0 to {MaxTokens}."),
        _ => null,
    };
}
