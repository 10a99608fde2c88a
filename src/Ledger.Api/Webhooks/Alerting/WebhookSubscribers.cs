using Npgsql;

namespace Ledger.Api.Webhooks.Alerting;

/// <summary>What the alert subscription reads besides the usage: the live webhooks, and the alerts raised before.</summary>
public static class WebhookSubscribers
{
    public sealed record Hook(Guid Id, Guid OrganizationId, string[] Events);

    /// <summary>Every webhook not deleted, in every organization: a few per organization that has any.</summary>
    public static async Task<List<Hook>> LiveAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select id, organization_id, events from {WebhookTables.Webhooks} where deleted_at is null");
        var hooks = new List<Hook>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) hooks.Add(new Hook(reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<string[]>(2)));
        return hooks;
    }

    /// <summary>The alerts not raised before; the subscription's own insert is what decides, this only saves it the work.</summary>
    public static async Task<List<ReachedAlert>> NotRaisedAsync(NpgsqlDataSource dataSource, List<ReachedAlert> reached, CancellationToken ct)
    {
        if (reached.Count == 0) return reached;
        await using var command = dataSource.CreateCommand(
            $"""
            select s.i from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[]) with ordinality s(o, u, alert, period, percent, i)
            where exists (select 1 from {WebhookTables.AlertsRaised} r where (r.organization_id, r.end_user_id, r.alert, r.period, r.percent) = (s.o, s.u, s.alert, s.period, s.percent))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = reached.Select(a => a.Data.OrganizationId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = reached.Select(a => a.Data.EndUserId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = reached.Select(a => a.Alert).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = reached.Select(a => a.Period).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = reached.Select(a => a.Percent).ToArray() });
        var raised = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) raised.Add(reader.GetInt64(0));
        return [.. reached.Where((_, i) => !raised.Contains(i + 1))];
    }
}
