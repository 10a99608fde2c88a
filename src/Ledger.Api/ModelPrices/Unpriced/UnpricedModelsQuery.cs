using Ledger.Ingest.Usage.Pricing;
using Npgsql;

namespace Ledger.Api.ModelPrices.Unpriced;

/// <summary>The models an organization's usage named without a cost or a price, most recently seen first.</summary>
public sealed class UnpricedModelsQuery(NpgsqlDataSource dataSource)
{
    public sealed record UnpricedModel(string Model, long Requests, DateTimeOffset LastSeenAt);

    public async Task<IReadOnlyList<UnpricedModel>> RunAsync(Guid organizationId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select model, requests, last_seen_at from {UnpricedModelsTable.Name} where organization_id = $1 order by last_seen_at desc, model");
        command.Parameters.Add(new NpgsqlParameter { Value = organizationId });
        var models = new List<UnpricedModel>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            models.Add(new UnpricedModel(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        return models;
    }
}
