using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.Settling;

/// <summary>Usage records as a post brought them, in Ledger's shape or mapped from a gateway's own.</summary>
public interface IUsageBatch
{
    IReadOnlyList<UsageRecord?> Records { get; }

    /// <summary>An array (or several lines): a problem names the record's index.</summary>
    bool IsBatch { get; }

    /// <summary>The name the posted body gave a <see cref="UsageRecord"/> field (snake_case), so that a problem names what the caller sent.</summary>
    string WireName(string field);
}
