namespace Ledger.Ingest;

/// <summary>Tuning of the usage write path (configuration section <c>Ledger:Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>Concurrent transactions per node; each appends to its own usage segment.</summary>
    public int WriterLanes { get; set; } = 2;

    /// <summary>Upper bound on events grouped into one transaction.</summary>
    public int MaxEventsPerTransaction { get; set; } = 4000;

    /// <summary>Posts waiting for a lane before new posts wait for room.</summary>
    public int QueueCapacity { get; set; } = 1024;

    public int MaxAttempts { get; set; } = 5;

    /// <summary>Records in one <c>POST /v1/usage</c>.</summary>
    public int MaxRecordsPerPost { get; set; } = 1000;
}
