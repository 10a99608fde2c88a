namespace Ledger.Api.Webhooks.Delivering;

/// <summary>Send one stored delivery to its webhook; carried by Wolverine's durable local queue <see cref="Queue"/>.</summary>
public sealed record DeliverWebhook(Guid DeliveryId)
{
    public const string Queue = "webhooks";
}

/// <summary>An attempt that did not get a 2xx answer: Wolverine's error policy schedules the next one (<see cref="WebhookOptions.Retries"/>).</summary>
public sealed class WebhookDeliveryFailed(string message) : Exception(message);
