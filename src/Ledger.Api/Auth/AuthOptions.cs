namespace Ledger.Api.Auth;

/// <summary>Authentication settings (configuration section <c>Ledger:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// How long a node keeps an ingest token it has verified. A token revoked on another node
    /// stops working here within this time; on the node that revoked it, at once. Zero turns the cache off.
    /// </summary>
    public TimeSpan IngestTokenCacheTtl { get; set; } = TimeSpan.FromSeconds(5);
}
