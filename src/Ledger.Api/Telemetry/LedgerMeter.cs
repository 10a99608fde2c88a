using System.Diagnostics.Metrics;

namespace Ledger.Api.Telemetry;

/// <summary>
/// Ledger's own instruments, beside ASP.NET Core's request durations (which give each endpoint's
/// latency, admissions' among them) and Npgsql's connection figures: what the requests carried.
/// </summary>
public static class LedgerMeter
{
    public const string Name = "Ledger";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> UsageStored = Meter.CreateCounter<long>(
        "ledger.usage.stored", "{event}", "Usage records stored as UsageSettled events (the ingest rate).");

    private static readonly Counter<long> UsageDuplicates = Meter.CreateCounter<long>(
        "ledger.usage.duplicates", "{record}", "Usage records whose request_id was already stored (a gateway's retries).");

    private static readonly Counter<long> Admissions = Meter.CreateCounter<long>(
        "ledger.admissions", "{request}", "Admission decisions, by outcome: admitted, rejected (with the cap's scope and kind) or closed.");

    public static void Settled(int stored, int duplicates)
    {
        UsageStored.Add(stored);
        if (duplicates > 0) UsageDuplicates.Add(duplicates);
    }

    public static void Admitted() => Admissions.Add(1, new KeyValuePair<string, object?>("outcome", "admitted"));

    public static void Rejected(string scope, string limitKind) => Admissions.Add(1,
        new KeyValuePair<string, object?>("outcome", "rejected"), new("scope", scope), new("limit_kind", limitKind));

    public static void Closed() => Admissions.Add(1, new KeyValuePair<string, object?>("outcome", "closed"));

    private static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>(
        "ledger.webhook.deliveries", "{attempt}", "Webhook delivery attempts, by outcome: delivered, failed (retried later) or dead_lettered (the last failed).");

    /// <summary>One attempt at a webhook delivery: <c>delivered</c>, <c>failed</c> or <c>dead_lettered</c>.</summary>
    public static void WebhookAttempted(string outcome) => WebhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Each async projection's lag, in events behind the newest, as <see cref="ProjectionLag"/> last read it.</summary>
    internal static IReadOnlyList<(string Projection, long Lag)> Lags { get; set; } = [];

    private static readonly ObservableGauge<long> LagGauge = Meter.CreateObservableGauge("ledger.projection.lag",
        () => Lags.Select(l => new Measurement<long>(l.Lag, new KeyValuePair<string, object?>("projection", l.Projection))),
        "{event}", "How many events each async projection is behind the newest.");
}
