namespace Ledger.Api.Http;

/// <summary>Abuse limits (configuration section <c>Ledger:RateLimits</c>); 0 turns a limit off. Windows are one minute.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests of one token to the dashboard endpoints: a person's browser, or a script with a member's token.</summary>
    public int TokenRequestsPerMinute { get; set; } = 3000;

    /// <summary>
    /// Requests of one token to <c>POST /v1/usage</c> and <c>POST /v1/admissions</c>: off by default, since a gateway
    /// sends its own users' traffic (thousands a second) and a refusal there would refuse them.
    /// </summary>
    public int IngestRequestsPerMinute { get; set; }

    /// <summary>Requests without a token, per client address (health probes are never limited).</summary>
    public int AnonymousRequestsPerMinute { get; set; } = 1200;

    /// <summary>Refused tokens per client address; past them, every request from that address answers 429 for the rest of the minute.</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 10;
}
