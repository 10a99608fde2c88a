using JasperFx.CodeGeneration;
using Ledger.Api.Webhooks;
using Ledger.Api.Webhooks.Alerting;
using Ledger.Api.Webhooks.Delivering;
using Wolverine;
using Wolverine.ErrorHandling;

namespace Ledger.Api.Background;

/// <summary>
/// Background work on Wolverine: its PostgreSQL inbox and outbox (through Marten, in the same database
/// and transactions), the durable local queue that delivers webhooks with scheduled retries, and the
/// scan of the spend log that raises alerts. Only the types named here are handlers (no assembly scan).
/// </summary>
public static class MessagingSetup
{
    /// <summary>Wolverine's own tables (envelopes, nodes, dead letters) live in this schema.</summary>
    public const string Schema = "wolverine";

    public static IServiceCollection AddLedgerMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        var webhooks = configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddHttpClient(DeliverWebhookHandler.Client, c => c.Timeout = webhooks.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectCallback = AddressPolicy.Connect(webhooks.AllowPrivateAddresses),
                AllowAutoRedirect = false, // a redirect could lead inward
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddHostedService<AlertScan>();

        services.AddWolverine(ExtensionDiscovery.ManualOnly, opts =>
        {
            opts.ApplicationAssembly = typeof(Program).Assembly;
            opts.UseRuntimeCompilation();
            opts.CodeGeneration.TypeLoadMode = configuration.GetValue("Ledger:Messaging:TypeLoadMode", TypeLoadMode.Dynamic);
            opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(DeliverWebhookHandler));
            opts.PublishMessage<DeliverWebhook>().ToLocalQueue(DeliverWebhook.Queue).UseDurableInbox();
            // Each failed attempt is rescheduled in the inbox table; after the last, Wolverine dead-letters the message.
            opts.OnException<WebhookDeliveryFailed>().ScheduleRetry(webhooks.Retries);
            // How often a node looks for scheduled messages that are due (the retries): their lateness at most.
            var polling = configuration.GetValue("Ledger:Messaging:PollingInterval", TimeSpan.FromSeconds(5));
            opts.Durability.ScheduledJobPollingTime = polling;
            opts.Durability.ScheduledJobFirstExecution = polling;
        });
        return services;
    }
}
