namespace Ledger.Api.Webhooks;

/// <summary>Webhook delivery settings, <c>Ledger:Webhooks</c> (docs/alerts.md).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Ledger:Webhooks";

    /// <summary>
    /// Whether a webhook may point at a loopback, private, link-local or otherwise internal address. Off by
    /// default: a tenant's URL must not reach the network Ledger runs in (SSRF). Checked when the webhook is
    /// registered and again on the address each delivery connects to.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>The waits before each retry; null is <see cref="DefaultRetryDelays"/>. After the last one fails, the delivery is dead-lettered.</summary>
    public TimeSpan[]? RetryDelays { get; set; }

    /// <summary>How long one attempt may take, connection included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Standard Webhooks' suggested schedule: 8 attempts over about 27 hours.</summary>
    public static readonly TimeSpan[] DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    public TimeSpan[] Retries => RetryDelays is { Length: > 0 } delays ? delays : DefaultRetryDelays;
}
