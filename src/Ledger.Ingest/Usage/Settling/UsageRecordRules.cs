using Ledger.Domain.Consumers;

namespace Ledger.Ingest.Usage.Settling;

/// <summary>
/// Shape rules of one usage record (SPEC §1, §7). They run for every record on the ingest hot path,
/// up to a thousand per post, so they are one plain pass over the fields; the post's validator
/// reports them through FluentValidation with the record's index.
/// </summary>
public static class UsageRecordRules
{
    public const int MaxIdLength = 200;

    public static IEnumerable<(string Field, string Message)> Problems(UsageRecord r)
    {
        if (Text("request_id", r.RequestId, required: true) is { } a) yield return a;
        if (Text("key_id", r.KeyId, required: true) is { } b) yield return b;
        if (Text("team_id", r.TeamId, required: false) is { } c) yield return c;
        if (Text("user", r.User, required: false, EndUserId.MaxLength) is { } d) yield return d;
        if (Text("model", r.Model, required: true) is { } e) yield return e;
        if (Text("provider", r.Provider, required: false) is { } f) yield return f;
        if (Count("input_tokens", r.InputTokens) is { } g) yield return g;
        if (Count("output_tokens", r.OutputTokens) is { } h) yield return h;
        if (r.CostUsd is null) yield return ("cost_usd", "'cost_usd' is required.");
        else if (r.CostUsd < 0) yield return ("cost_usd", "'cost_usd' must not be negative.");
        if (!UsageStatuses.IsKnown(r.Status)) yield return ("status", "'status' must be 'success' or 'error'.");
        if (r.LatencyMs < 0) yield return ("latency_ms", "'latency_ms' must not be negative.");
    }

    private static (string, string)? Text(string field, string? value, bool required, int max = MaxIdLength) => value switch
    {
        null or "" when required => (field, $"'{field}' is required."),
        null => null,
        { Length: var n } when n > max => (field, $"'{field}' must be at most {max} characters; it has {n}."),
        _ when value.Any(char.IsControl) => (field, $"'{field}' must not contain control characters."),
        _ => null,
    };

    private static (string, string)? Count(string field, long? value) => value switch
    {
        null => (field, $"'{field}' is required."),
        < 0 => (field, $"'{field}' must not be negative."),
        _ => null,
    };
}
