using System.Text;
using Ledger.Api.Telemetry;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Ledger.Api.Webhooks.Delivering;

/// <summary>
/// One attempt at a delivery, signed per Standard Webhooks. The webhook-id is the delivery's, the
/// same on every attempt, so a receiver can drop repeats. A failure throws, and Wolverine schedules the
/// next attempt in its PostgreSQL inbox (durable across restarts) or, after the last, dead-letters it.
/// </summary>
public static partial class DeliverWebhookHandler
{
    public const string Client = "webhooks";

    public static async Task HandleAsync(
        DeliverWebhook message, Envelope envelope, DeliveryWriter deliveries, WebhookWriter hooks, IHttpClientFactory clients,
        IOptions<WebhookOptions> options, TimeProvider clock, ILogger<DeliverWebhook> logger, CancellationToken ct)
    {
        if (await deliveries.LoadAsync(message.DeliveryId, ct) is not { } outgoing) return;
        var (id, now) = ("msg_" + message.DeliveryId.ToString("N"), clock.GetUtcNow());
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, outgoing.Url)
        {
            Content = new StringContent(outgoing.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(hooks.Open(outgoing.SealedSecret), id, timestamp, outgoing.Payload));

        int? status = null;
        string? error;
        try
        {
            using var response = await clients.CreateClient(Client).SendAsync(request, ct);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"answered {status}";
        }
        catch (HttpRequestException e) { error = e.Message; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { error = "timed out"; }

        // Envelope.Attempts counts this attempt: the first is 1, the last is one more than the retries.
        var last = envelope.Attempts > options.Value.Retries.Length;
        await deliveries.RecordAsync(message.DeliveryId, status, error, now, deadLettered: error is not null && last, ct);
        LedgerMeter.WebhookAttempted(error is null ? "delivered" : last ? "dead_lettered" : "failed");
        if (error is null) return;
        // The endpoint and the delivery by id, never the URL (it may hold the receiver's secret) nor the signing secret.
        if (last) LogDeadLettered(logger, outgoing.WebhookId, message.DeliveryId, envelope.Attempts, status, error);
        else LogFailed(logger, outgoing.WebhookId, message.DeliveryId, envelope.Attempts, status, error);
        throw new WebhookDeliveryFailed(error);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {WebhookId}: delivery {DeliveryId} attempt {Attempt} failed (status {Status}: {Error}); it will be retried")]
    private static partial void LogFailed(ILogger logger, Guid webhookId, Guid deliveryId, int attempt, int? status, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {WebhookId}: delivery {DeliveryId} dead-lettered after attempt {Attempt} (status {Status}: {Error}); retry it from its delivery list")]
    private static partial void LogDeadLettered(ILogger logger, Guid webhookId, Guid deliveryId, int attempt, int? status, string error);
}
