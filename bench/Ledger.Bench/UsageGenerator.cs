using Ledger.Domain.Usage;

namespace Ledger.Bench;

/// <summary>Deterministic usage over a fixed population of consumers and keys.</summary>
public static class UsageGenerator
{
    private static readonly string[] Models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet", "llama-3-70b"];

    public static List<UsageSettled> Batch(Guid org, string run, int start, int count, int consumers, DateTimeOffset at) =>
        Enumerable.Range(start, count).Select(i => new UsageSettled(
            org, $"{run}-{i}", $"key_{i % 20}", $"team_{i % 3}", i % 50 == 0 ? null : $"tenant_{(long)i * 7919 % consumers}:user",
            Models[i % Models.Length], "openai", 100 + i % 900, 20 + i % 300, 0.0001m * (1 + i % 97),
            i % 40 == 0 ? UsageStatus.Error : UsageStatus.Success, 100 + i % 2000, at)).ToList();

    public static object Wire(UsageSettled u) => new
    {
        request_id = u.RequestId,
        key_id = u.KeyId,
        team_id = u.TeamId,
        user = u.EndUserId,
        model = u.Model,
        provider = u.Provider,
        input_tokens = u.InputTokens,
        output_tokens = u.OutputTokens,
        cost_usd = u.CostUsd,
        status = u.Status == UsageStatus.Success ? "success" : "error",
        latency_ms = u.LatencyMs,
    };
}
