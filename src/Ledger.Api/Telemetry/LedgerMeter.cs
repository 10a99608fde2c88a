using System.Diagnostics.Metrics;

namespace Ledger.Api.Telemetry;

/// <summary>
/// Ledger's own instruments, beside ASP.NET Core's request durations and Npgsql's connection
/// figures: what the requests carried. No label names an organization or a consumer.
/// </summary>
public static class LedgerMeter
{
    public const string Name = "Ledger";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> UsageRecords = Meter.CreateCounter<long>("ledger.usage.records", "{record}",
        "Usage records posted, by outcome: accepted (stored as UsageSettled), duplicate (request_id already stored) or refused.");

    /// <summary>Admissions are in-memory decisions and a short transaction: buckets from 100 µs to 1 s.</summary>
    private static readonly Histogram<double> AdmissionDuration = Meter.CreateHistogram("ledger.admission.duration", "s",
        "Time to decide an admission, by outcome: admitted, rejected (with the cap's scope and kind), closed or unavailable.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });

    private static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("ledger.webhook.deliveries", "{attempt}",
        "Webhook delivery attempts, by outcome: delivered, failed (retried later) or dead_lettered (the last failed).");

    public static void Settled(int accepted, int duplicates)
    {
        if (accepted > 0) UsageRecords.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        if (duplicates > 0) UsageRecords.Add(duplicates, new KeyValuePair<string, object?>("outcome", "duplicate"));
    }

    /// <summary>Records a usage endpoint refused (<see cref="UsageRefusals"/>).</summary>
    public static void UsageRefused(int records)
    {
        if (records > 0) UsageRecords.Add(records, new KeyValuePair<string, object?>("outcome", "refused"));
    }

    public static void Admitted(TimeSpan took) => AdmissionDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("outcome", "admitted"));

    public static void Rejected(TimeSpan took, string scope, string limitKind) => AdmissionDuration.Record(took.TotalSeconds,
        new KeyValuePair<string, object?>("outcome", "rejected"), new("scope", scope), new("limit_kind", limitKind));

    public static void Closed(TimeSpan took) => AdmissionDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("outcome", "closed"));

    /// <summary>The group commit could not confirm the admission (the database is down): answered 503.</summary>
    public static void Unavailable(TimeSpan took) => AdmissionDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("outcome", "unavailable"));

    /// <summary>One attempt at a webhook delivery: <c>delivered</c>, <c>failed</c> or <c>dead_lettered</c>.</summary>
    public static void WebhookAttempted(string outcome) => WebhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Each async projection's lag as <see cref="ProjectionLag"/> last read it: events behind the newest, and the age of the oldest of them.</summary>
    internal static IReadOnlyList<ProjectionLag.Reading> Lags { get; set; } = [];

    private static readonly ObservableGauge<long> LagGauge = Meter.CreateObservableGauge("ledger.projection.lag",
        () => Lags.Select(l => new Measurement<long>(l.Events, new KeyValuePair<string, object?>("projection", l.Projection))),
        "{event}", "How many events each async projection is behind the newest.");

    private static readonly ObservableGauge<double> DelayGauge = Meter.CreateObservableGauge("ledger.projection.delay",
        () => Lags.Select(l => new Measurement<double>(l.Seconds, new KeyValuePair<string, object?>("projection", l.Projection))),
        "s", "How long the oldest event each async projection has not processed yet has waited (0 when it is up to date).");
}
