using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Ledger.Ingest.GroupCommit;

/// <summary>How well items group into transactions: a histogram of items per transaction, by queue.</summary>
public static class GroupCommitMeter
{
    public const string Name = "Ledger.Ingest";

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram("ledger.group_commit.batch.size", "{item}",
        "Items (usage posts, admission requests) stored per group-commit transaction, by queue.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

    /// <summary>The queue's label: its type's name without "Queue", in snake_case (<c>usage_ingest</c>, <c>admission</c>).</summary>
    internal static KeyValuePair<string, object?> QueueOf(Type queue) =>
        new("queue", JsonNamingPolicy.SnakeCaseLower.ConvertName(queue.Name.EndsWith("Queue", StringComparison.Ordinal) ? queue.Name[..^"Queue".Length] : queue.Name));

    internal static void Grouped(int items, KeyValuePair<string, object?> queue) => BatchSize.Record(items, queue);
}
