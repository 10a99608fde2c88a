using Ledger.Domain.Usage;
using Npgsql;

namespace Ledger.Ingest.Usage.Pricing;

/// <summary>Counts a transaction's usage that stayed unpriced into <see cref="UnpricedModelsTable"/>, one row per model, in key order.</summary>
public static class UnpricedModels
{
    /// <summary>The statement, or null when every record of the transaction has a cost.</summary>
    public static NpgsqlCommand? CountCommand(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<UsageSettled> fresh)
    {
        var models = fresh.Where(u => u.CostSource is CostSource.Unpriced)
            .GroupBy(u => (u.OrganizationId, u.Model))
            .Select(g => (g.Key.OrganizationId, g.Key.Model, Requests: (long)g.Count(), LastSeen: g.Max(u => u.OccurredAt)))
            .ToList();
        if (models.Count == 0) return null;
        var command = new NpgsqlCommand(
            $"""
            insert into {UnpricedModelsTable.Name} as t (organization_id, model, requests, last_seen_at)
            select o, m, n, at from unnest($1::uuid[], $2::text[], $3::bigint[], $4::timestamptz[]) as u(o, m, n, at) order by o, m collate "C"
            on conflict (organization_id, model) do update
                set requests = t.requests + excluded.requests, last_seen_at = greatest(t.last_seen_at, excluded.last_seen_at)
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = models.Select(m => m.OrganizationId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = models.Select(m => m.Model).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = models.Select(m => m.Requests).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = models.Select(m => m.LastSeen.ToUniversalTime()).ToArray() });
        return command;
    }
}
