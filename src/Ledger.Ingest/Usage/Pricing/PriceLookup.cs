using Ledger.Domain.ModelPrices.Pricing;
using Ledger.Domain.Usage;
using Ledger.Projections.ModelPrices;
using Npgsql;

namespace Ledger.Ingest.Usage.Pricing;

/// <summary>
/// Prices a transaction's usage that came without a cost: one query, only when some record needs
/// it, reads the price history of the models those records name (under every name they are looked
/// up by), in the same transaction, so a price change is in force for the very next batch on every node.
/// </summary>
public static class PriceLookup
{
    public static async Task<IReadOnlyList<UsageSettled>> PriceAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<UsageSettled> usage, CancellationToken ct)
    {
        var keys = usage.Where(u => u.CostSource is CostSource.Unpriced)
            .SelectMany(u => PriceHistory.Names(u.Model).Select(name => (u.OrganizationId, Name: name)))
            .Distinct().ToList();
        if (keys.Count == 0) return usage;

        await using var command = new NpgsqlCommand(
            $"""
            select p.organization_id, p.model, p.effective_from, p.input_usd_per_million, p.output_usd_per_million
            from {ModelPricesTable.Name} p join unnest($1::uuid[], $2::text[]) k(o, m) on p.organization_id = k.o and p.model = k.m
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.OrganizationId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Name).ToArray() });
        var entries = new List<PriceHistory.Entry>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                entries.Add(new(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : new(reader.GetDecimal(3), reader.GetDecimal(4))));

        var history = new PriceHistory(entries);
        return usage.Select(history.Price).ToList();
    }
}
