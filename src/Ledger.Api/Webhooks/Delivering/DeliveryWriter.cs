using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Webhooks.Delivering;

/// <summary>A delivery as its handler needs it, and the record of each attempt.</summary>
public sealed class DeliveryWriter(NpgsqlDataSource dataSource)
{
    public sealed record Outgoing(Guid WebhookId, string Url, string SealedSecret, string Payload);

    /// <summary>Null when there is nothing to send: the delivery went through already, or its webhook was deleted.</summary>
    public async Task<Outgoing?> LoadAsync(Guid deliveryId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select w.id, w.url, w.sealed_secret, d.payload from {WebhookTables.Deliveries} d join {WebhookTables.Webhooks} w on w.id = d.webhook_id
            where d.id = $1 and w.deleted_at is null and d.delivered_at is null
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = deliveryId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Outgoing(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)) : null;
    }

    /// <summary>Counts an attempt: delivered when <paramref name="error"/> is null, else failed, and dead-lettered if it was the last.</summary>
    public async Task RecordAsync(Guid deliveryId, int? status, string? error, DateTimeOffset at, bool deadLettered, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            update {WebhookTables.Deliveries} set attempts = attempts + 1, last_status = $2, last_error = $3::text, last_attempt_at = $4,
                delivered_at = case when $3::text is null then $4 end, dead_lettered_at = case when $5 then $4 end
            where id = $1
            """, deliveryId, status, error, at, deadLettered));
        await batch.ExecuteNonQueryAsync(ct);
    }
}
