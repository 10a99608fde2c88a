using System.Text;
using Ledger.Api.Auth;
using Ledger.Api.Webhooks.Delivering;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Webhooks;

/// <summary>Registers and deletes webhooks, and puts a delivery back in line for a retry.</summary>
public sealed class WebhookWriter(NpgsqlDataSource dataSource, IConfiguration configuration)
{
    private readonly byte[]? _key = KeyEncryption.KeyFrom(configuration);

    public bool CanSeal => _key is not null;

    /// <summary>The new webhook and its signing secret, which is stored sealed and never shown again.</summary>
    public async Task<(WebhookView Webhook, string Secret)> RegisterAsync(
        Guid org, string url, string[] events, string? description, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var secret = WebhookSignature.NewSecret();
        var view = new WebhookView(Guid.CreateVersion7(), org, url, events, description, now);
        var command = SqlBatch.Command(
            $"""
            insert into {WebhookTables.Webhooks} (id, organization_id, url, events, description, sealed_secret, created_at, created_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            """, view.Id, org, url, events, description, KeyEncryption.Seal(_key!, Encoding.UTF8.GetBytes(secret)), now, actor);
        await ExecuteAsync(command, ct);
        return (view, secret);
    }

    /// <summary>False when the organization has no such webhook (or it is deleted already).</summary>
    public async Task<bool> DeleteAsync(Guid org, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        var command = SqlBatch.Command(
            $"update {WebhookTables.Webhooks} set deleted_at = $3 where id = $1 and organization_id = $2 and deleted_at is null", id, org, now);
        return await ExecuteAsync(command, ct) == 1;
    }

    /// <summary>
    /// Clears a delivery's dead letter so it can be sent again, on <paramref name="connection"/> in its transaction (the
    /// one that also queues the next attempt); false when the organization has no such live webhook and delivery.
    /// </summary>
    public static async Task<bool> ReopenAsync(NpgsqlConnection connection, Guid org, Guid webhookId, Guid deliveryId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"""
            update {WebhookTables.Deliveries} d set dead_lettered_at = null
            from {WebhookTables.Webhooks} w
            where d.id = $1 and d.webhook_id = $2 and w.id = d.webhook_id and w.organization_id = $3 and w.deleted_at is null
            """, connection)
        {
            Parameters = { new() { Value = deliveryId }, new() { Value = webhookId }, new() { Value = org } },
        };
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The sealed secret opened, for signing a delivery.</summary>
    public string Open(string sealedSecret) => Encoding.UTF8.GetString(KeyEncryption.Open(
        _key ?? throw new InvalidOperationException($"Webhook secrets are sealed, but {KeyEncryption.Setting} is not set."), sealedSecret));

    private async Task<int> ExecuteAsync(NpgsqlBatchCommand command, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(command);
        return await batch.ExecuteNonQueryAsync(ct);
    }
}
