namespace Ledger.Ingest.Usage.Settling;

/// <summary>How many records of one post were stored, and how many had been stored before.</summary>
public sealed record IngestResult(int Accepted, int Duplicates);
