namespace Ledger.Api.Webhooks;

/// <summary>A webhook as the API shows it; its secret is shown only once, when it is registered.</summary>
public sealed record WebhookView(Guid Id, Guid OrganizationId, string Url, string[] Events, string? Description, DateTimeOffset CreatedAt);

/// <summary>The answer to a registration: the webhook and its signing secret.</summary>
public sealed record RegisteredWebhook(Guid Id, Guid OrganizationId, string Url, string[] Events, string? Description, DateTimeOffset CreatedAt, string Secret);

/// <summary>One delivery of an event to a webhook, with its attempts so far.</summary>
public sealed record DeliveryView(
    Guid Id, string Event, DateTimeOffset CreatedAt, int Attempts, int? LastStatus, string? LastError,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? DeliveredAt, bool DeadLettered);
