using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Webhooks;

/// <summary>
/// A Ledger host whose webhooks may call loopback addresses, retry after fractions of a second
/// (5 retries), and look for due retries every 100 ms, on a database of its own (so no other host of the run
/// picks up its retries or its alerts); and the receiver they call.
/// </summary>
public sealed class WebhookFixture : IAsyncLifetime
{
    public const int Retries = 5;

    public static readonly Dictionary<string, string> Settings = new()
    {
        ["Ledger:Webhooks:AllowPrivateAddresses"] = "true",
        ["Ledger:Webhooks:RetryDelays:0"] = "00:00:00.2",
        ["Ledger:Webhooks:RetryDelays:1"] = "00:00:00.2",
        ["Ledger:Webhooks:RetryDelays:2"] = "00:00:00.3",
        ["Ledger:Webhooks:RetryDelays:3"] = "00:00:00.3",
        ["Ledger:Webhooks:RetryDelays:4"] = "00:00:00.3",
        ["Ledger:Messaging:PollingInterval"] = "00:00:00.1",
        ["Ledger:Sessions:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    public LedgerApp App { get; } = new() { Settings = Settings, OwnDatabase = "webhooks" };

    public WebhookReceiver Receiver { get; } = new();

    public async Task InitializeAsync()
    {
        await Receiver.InitializeAsync();
        await App.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>POST /api/webhooks for the receiver's path; the registration's body (with the secret).</summary>
    public static async Task<JsonElement> RegisterAsync(HttpClient owner, Guid org, string url, params string[] events) =>
        await (await owner.PostAsJsonAsync("/api/webhooks", new
        {
            organization_id = org,
            url,
            events = events.Length > 0 ? events : ["budget.threshold_crossed"],
            description = "alerts",
        })).JsonAsync(System.Net.HttpStatusCode.Created);

    public static async Task<JsonElement> DeliveriesAsync(HttpClient owner, Guid org, string webhookId) =>
        await (await owner.GetAsync($"/api/webhooks/{webhookId}/deliveries?organization_id={org}")).JsonAsync(System.Net.HttpStatusCode.OK);
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookFixture>
{
    public const string Name = "webhooks";
}
