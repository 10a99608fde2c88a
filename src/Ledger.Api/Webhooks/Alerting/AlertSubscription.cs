using System.Text.Json;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Ledger.Api.Webhooks.Delivering;
using Ledger.Domain.Admissions;
using Ledger.Domain.Usage;
using Ledger.Projections;
using Marten;
using Npgsql;
using Wolverine;
using Wolverine.Marten.Subscriptions;

namespace Ledger.Api.Webhooks.Alerting;

/// <summary>
/// Raises alerts from settled usage, off the write path: a Marten subscription (one node at a time
/// runs it, in event order) looks at the consumers a page of usage touched, in organizations with a
/// webhook for the event, and for each alert newly reached stores the alert and a delivery per webhook
/// and sends the delivery messages, all in the transaction that records the subscription's progress
/// (Wolverine's outbox). The alert's primary key makes it once per consumer, alert, period and threshold:
/// a second transaction raising the same one inserts nothing, so its deliveries do not exist and its
/// messages send nothing.
/// </summary>
public sealed class AlertSubscription : BatchSubscription
{
    public const string Name = "Alerts";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;

    public AlertSubscription(NpgsqlDataSource dataSource, TimeProvider clock) : base(Name)
    {
        (_dataSource, _clock) = (dataSource, clock);
        IncludeType<UsageSettled>();
        // A new deployment announces what happens from now on, not its history.
        Options.SubscribeFromPresent();
        // Pages as large as the set-based projections read, not Marten's 500: each page costs a load, a webhook
        // look-up and a progress commit (docs/performance.md, "Reading usage fewer times").
        Options.BatchSize = LedgerStore.SetBasedPage;
        Options.MaximumHopperSize = 4 * LedgerStore.SetBasedPage;
    }

    public override async Task ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, IMessageBus bus, CancellationToken ct)
    {
        var consumers = page.Events.Select(e => e.Data).OfType<UsageSettled>().Where(u => u.EndUserId is not null)
            .Select(u => new ScopeKey(u.OrganizationId, CapScope.Consumer, u.EndUserId!)).Distinct().ToList();
        if (consumers.Count == 0) return;
        var now = _clock.GetUtcNow();
        var hooks = await WebhookSubscribers.OfAsync(_dataSource, [.. consumers.Select(c => c.OrganizationId).Distinct()], ct);
        if (hooks.Count == 0) return;

        List<ScopeKey> For(string @event) => [.. consumers.Where(c => hooks.Any(h => h.OrganizationId == c.OrganizationId && h.Events.Contains(@event)))];
        var reached = (await ReachedAlerts.BudgetsAsync(_dataSource, For(WebhookEvents.BudgetThresholdCrossed), now, ct))
            .Concat(await ReachedAlerts.AnomaliesAsync(_dataSource, For(WebhookEvents.ConsumerAnomalyFlagged), now, ct)).ToList();
        var fresh = await WebhookSubscribers.NotRaisedAsync(_dataSource, reached, ct);

        var deliveries = fresh.SelectMany(a => hooks
            .Where(h => h.OrganizationId == a.Data.OrganizationId && h.Events.Contains(a.Event))
            .Select(h => (Alert: a, Webhook: h.Id, Delivery: Guid.CreateVersion7(),
                Payload: JsonSerializer.Serialize(new WebhookPayload(a.Event, now, a.Data), Json)))).ToList();
        if (deliveries.Count == 0) return;
        operations.QueueSqlCommand(
            $"""
            with input as (select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::int[], ?::uuid[], ?::uuid[], ?::text[], ?::text[])
                           t(o, u, alert, period, percent, webhook_id, delivery_id, event, payload)),
            raised as (
                insert into {WebhookTables.AlertsRaised} (organization_id, end_user_id, alert, period, percent, raised_at)
                select distinct o, u, alert, period, percent, ?::timestamptz from input
                on conflict do nothing
                returning organization_id, end_user_id, alert, period, percent)
            insert into {WebhookTables.Deliveries} (id, webhook_id, event, payload, created_at)
            select i.delivery_id, i.webhook_id, i.event, i.payload, ?::timestamptz from input i
            join raised r on (r.organization_id, r.end_user_id, r.alert, r.period, r.percent) = (i.o, i.u, i.alert, i.period, i.percent)
            """,
            deliveries.Select(d => d.Alert.Data.OrganizationId).ToArray(), deliveries.Select(d => d.Alert.Data.EndUserId).ToArray(),
            deliveries.Select(d => d.Alert.Alert).ToArray(), deliveries.Select(d => d.Alert.Period).ToArray(),
            deliveries.Select(d => d.Alert.Percent).ToArray(), deliveries.Select(d => d.Webhook).ToArray(),
            deliveries.Select(d => d.Delivery).ToArray(), deliveries.Select(d => d.Alert.Event).ToArray(),
            deliveries.Select(d => d.Payload).ToArray(), now, now);
        foreach (var d in deliveries) await bus.PublishAsync(new DeliverWebhook(d.Delivery));
    }
}
