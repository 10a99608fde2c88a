using Npgsql;

namespace Ledger.Api.Webhooks;

/// <summary>An organization's live webhooks, and one webhook's deliveries, newest first.</summary>
public sealed class WebhookQuery(NpgsqlDataSource dataSource)
{
    public const int DeliveriesShown = 100;

    public async Task<IReadOnlyList<WebhookView>> ListAsync(Guid org, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select id, url, events, description, created_at from {WebhookTables.Webhooks} where organization_id = $1 and deleted_at is null order by created_at, id");
        command.Parameters.Add(new NpgsqlParameter { Value = org });
        var hooks = new List<WebhookView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hooks.Add(new WebhookView(reader.GetGuid(0), org, reader.GetString(1), reader.GetFieldValue<string[]>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        return hooks;
    }

    /// <summary>Null when the organization has no such live webhook.</summary>
    public async Task<IReadOnlyList<DeliveryView>?> DeliveriesAsync(Guid org, Guid webhookId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select d.id, d.event, d.created_at, d.attempts, d.last_status, d.last_error, d.last_attempt_at, d.delivered_at, d.dead_lettered_at is not null
            from {WebhookTables.Webhooks} w left join {WebhookTables.Deliveries} d on d.webhook_id = w.id
            where w.id = $1 and w.organization_id = $2 and w.deleted_at is null
            order by d.created_at desc, d.id desc limit {DeliveriesShown}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = webhookId });
        command.Parameters.Add(new NpgsqlParameter { Value = org });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var deliveries = new List<DeliveryView>();
        do
        {
            if (reader.IsDBNull(0)) break; // the webhook, with no delivery yet
            deliveries.Add(new DeliveryView(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetBoolean(8)));
        } while (await reader.ReadAsync(ct));
        return deliveries;
    }
}
