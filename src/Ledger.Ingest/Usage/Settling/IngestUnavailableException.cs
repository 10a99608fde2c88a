namespace Ledger.Ingest.Usage.Settling;

/// <summary>
/// A post could not be confirmed as stored. Its transaction normally rolled back; if the
/// connection broke during the commit it may have landed, so the gateway retries with the same
/// request ids and anything already stored counts as a duplicate.
/// </summary>
public sealed class IngestUnavailableException(Exception inner)
    : Exception("The usage could not be confirmed as stored. Retry with the same request ids: records already stored count as duplicates.", inner);
