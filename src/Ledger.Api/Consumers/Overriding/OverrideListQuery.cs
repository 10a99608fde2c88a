using Ledger.Projections.ConsumerOverrides;
using Ledger.Projections.Consumers;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Consumers.Overriding;

/// <summary>
/// The overrides of an organization's consumers within a scope (null: the whole organization),
/// of all of them or of the given ones (one consumer for the API's filter, a page's rows for the dashboard).
/// </summary>
public sealed class OverrideListQuery(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<OverrideView>> RunAsync(Guid organizationId, string[]? endUserIds, string[]? keys, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select o.end_user_id, o.rpm_limit, o.tpm_limit, o.max_budget, o.budget_duration, o.period_budget,
                   o.period_start, o.period_end, o.markup_percentage, o.notes
            from {ConsumerOverridesTable.Name} o
            join {ConsumersTable.Name} c on c.organization_id = o.organization_id and c.end_user_id = o.end_user_id
            where o.organization_id = $1 and ($2::text[] is null or o.end_user_id = any($2)) and ($3::text[] is null or c.keys_seen && $3)
            order by o.end_user_id
            """, organizationId, endUserIds, keys));
        var rows = new List<OverrideView>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new OverrideView(reader.GetString(0), Get<long>(reader, 1), Get<long>(reader, 2), Get<decimal>(reader, 3),
                reader.IsDBNull(4) ? null : reader.GetString(4), Get<decimal>(reader, 5), Get<DateTimeOffset>(reader, 6),
                Get<DateTimeOffset>(reader, 7), Get<decimal>(reader, 8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        return rows;
    }

    private static T? Get<T>(NpgsqlDataReader reader, int i) where T : struct => reader.IsDBNull(i) ? null : reader.GetFieldValue<T>(i);
}
