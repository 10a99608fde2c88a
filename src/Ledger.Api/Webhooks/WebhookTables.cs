using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Api.Webhooks;

/// <summary>
/// Webhook subscriptions (their signing secrets sealed, <see cref="Auth.KeyEncryption"/>), each
/// delivery of an event to one of them with its attempts, the alerts already announced (one row
/// per organization, consumer, alert, period and threshold, so none is announced twice) and how far
/// the spend log has been looked through for them.
/// </summary>
public static class WebhookTables
{
    public const string Webhooks = LedgerSchema.Name + ".webhooks";
    public const string Deliveries = LedgerSchema.Name + ".webhook_deliveries";
    public const string AlertsRaised = LedgerSchema.Name + ".alerts_raised";

    /// <summary>Up to which event's spend log row the alerts have been looked for (<see cref="Alerting.AlertScan"/>).</summary>
    public const string AlertProgress = LedgerSchema.Name + ".alert_progress";

    public static IEnumerable<Table> Definitions()
    {
        var hooks = new Table(Webhooks);
        hooks.AddColumn<Guid>("id").AsPrimaryKey();
        hooks.AddColumn<Guid>("organization_id").NotNull();
        hooks.AddColumn<string>("url").NotNull();
        hooks.AddColumn("events", "text[]").NotNull();
        hooks.AddColumn<string>("description");
        hooks.AddColumn<string>("sealed_secret").NotNull();
        hooks.AddColumn<DateTimeOffset>("created_at").NotNull();
        hooks.AddColumn<string>("created_by").NotNull();
        // A deleted webhook keeps its row, so its delivery list stays readable to nobody and its deliveries stop.
        hooks.AddColumn<DateTimeOffset>("deleted_at");
        hooks.Indexes.Add(new IndexDefinition("ix_webhooks_organization") { Columns = ["organization_id"], Predicate = "deleted_at is null" });
        yield return hooks;

        var deliveries = new Table(Deliveries);
        deliveries.AddColumn<Guid>("id").AsPrimaryKey();
        deliveries.AddColumn<Guid>("webhook_id").NotNull();
        deliveries.AddColumn<string>("event").NotNull();
        deliveries.AddColumn<string>("payload").NotNull();
        deliveries.AddColumn<DateTimeOffset>("created_at").NotNull();
        deliveries.AddColumn<int>("attempts").NotNull().DefaultValueByExpression("0");
        deliveries.AddColumn<int>("last_status");
        deliveries.AddColumn<string>("last_error");
        deliveries.AddColumn<DateTimeOffset>("last_attempt_at");
        deliveries.AddColumn<DateTimeOffset>("delivered_at");
        deliveries.AddColumn<DateTimeOffset>("dead_lettered_at");
        deliveries.Indexes.Add(new IndexDefinition("ix_webhook_deliveries_webhook") { Columns = ["webhook_id", "created_at"] });
        yield return deliveries;

        var raised = new Table(AlertsRaised);
        raised.AddColumn<Guid>("organization_id").AsPrimaryKey();
        raised.AddColumn<string>("end_user_id").AsPrimaryKey();
        raised.AddColumn<string>("alert").AsPrimaryKey();
        raised.AddColumn<string>("period").AsPrimaryKey();
        raised.AddColumn<int>("percent").AsPrimaryKey();
        raised.AddColumn<DateTimeOffset>("raised_at").NotNull();
        yield return raised;

        var progress = new Table(AlertProgress);
        progress.AddColumn<bool>("singleton").AsPrimaryKey().DefaultValueByExpression("true");
        progress.AddColumn<long>("through").NotNull();
        yield return progress;
    }
}
