using Ledger.Projections.Consumers;
using Ledger.Projections.ConsumerTags;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Consumers.Tagging;

/// <summary>Tags of an organization's active consumers within a scope (null: the whole organization).</summary>
public sealed class TagListQuery(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<TagView>> RunAsync(Guid organizationId, string? endUserId, string[]? keys, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select t.id, t.end_user_id, t.tag, t.created_at
            from {ConsumerTagsTable.Name} t
            join {ConsumersTable.Name} c on c.organization_id = t.organization_id and c.end_user_id = t.end_user_id
            where t.organization_id = $1 and ($2::text is null or t.end_user_id = $2)
              and c.retired_at is null and ($3::text[] is null or c.keys_seen && $3)
            order by t.end_user_id, t.created_at, t.id
            """, organizationId, endUserId, keys));
        var rows = new List<TagView>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new TagView(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return rows;
    }

    /// <summary>The consumer a tag belongs to, if the tag exists in the organization.</summary>
    public async Task<string?> OwnerAsync(Guid organizationId, Guid tagId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select end_user_id from {ConsumerTagsTable.Name} where organization_id = $1 and id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = organizationId });
        command.Parameters.Add(new NpgsqlParameter { Value = tagId });
        return (string?)await command.ExecuteScalarAsync(ct);
    }
}
