using Ledger.Domain.Usage;
using Ledger.Ingest.GroupCommit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ledger.Ingest.Usage.Settling;

/// <summary>
/// Group commit for the usage write path: posts queue up and each writer lane stores whatever has
/// queued (up to <see cref="IngestOptions.MaxEventsPerTransaction"/> events) in one transaction.
/// A post's task completes only after its transaction committed.
/// </summary>
public sealed class UsageIngestQueue(UsageBatchWriter writer, IOptions<IngestOptions> options, ILogger<UsageIngestQueue> logger)
    : GroupCommitQueue<IReadOnlyList<UsageSettled>, IngestResult>(
        options.Value.WriterLanes, options.Value.QueueCapacity, options.Value.MaxAttempts, logger)
{
    protected override int MaxWeightPerTransaction => options.Value.MaxEventsPerTransaction;

    protected override int WeightOf(IReadOnlyList<UsageSettled> post) => post.Count;

    protected override Task<IReadOnlyList<IngestResult>> WriteAsync(IReadOnlyList<IReadOnlyList<UsageSettled>> group, int lane) =>
        writer.WriteAsync(group, lane, CancellationToken.None);

    protected override Exception Unavailable(Exception cause) => new IngestUnavailableException(cause);
}
