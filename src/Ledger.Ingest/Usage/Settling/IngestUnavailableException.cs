namespace Ledger.Ingest.Usage.Settling;

/// <summary>The store could not take a post; nothing of it was stored and the gateway may retry.</summary>
public sealed class IngestUnavailableException(Exception inner)
    : Exception("Usage could not be stored; nothing of this post was recorded. Retry with the same request ids.", inner);
