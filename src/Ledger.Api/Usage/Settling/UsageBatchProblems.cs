using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.Settling;

/// <summary>The record rules (<see cref="UsageRecordRules"/>) of one record of a post, each field named as the post's body named it.</summary>
public static class UsageBatchProblems
{
    public static IEnumerable<(string Field, string Message)> Of(IUsageBatch post, UsageRecord? record, DateTimeOffset now)
    {
        foreach (var (field, message) in UsageRecordRules.Problems(record, now))
        {
            var wire = post.WireName(field);
            yield return (wire, wire == field ? message : message.Replace($"'{field}'", $"'{wire}'", StringComparison.Ordinal));
        }
    }
}
