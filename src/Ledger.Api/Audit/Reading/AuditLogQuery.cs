using System.Text.Json;
using Ledger.Projections.Audit;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Audit.Reading;

/// <summary>One page of an organization's audit trail inside the 90-day window, newest first.</summary>
public sealed class AuditLogQuery(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int PageSize = 50;

    public sealed record Entry(
        Guid Id, DateTimeOffset At, string Actor, string Action, string? EndUserId, string? KeyId, string? TeamId, string? Model, string? Tag,
        JsonElement? Before, JsonElement? After, string? Notes);

    public async Task<(IReadOnlyList<Entry> Entries, long Total)> RunAsync(
        Guid organizationId, string? endUserId, string? actor, DateTimeOffset? since, DateTimeOffset? until, int page, CancellationToken ct)
    {
        var windowStart = RetentionWindow.Start(clock.GetUtcNow());
        var from = since is { } s && s > windowStart ? s : windowStart;
        const string filter = """
            organization_id = $1 and at >= $2 and ($3::timestamptz is null or at <= $3)
            and ($4::text is null or end_user_id = $4) and ($5::text is null or actor = $5)
            """;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SqlBatch.Command(
            $"""
            select id, at, actor, action, end_user_id, key_id, team_id, model, tag, before::text, after::text, notes from {AuditLogTable.Name}
            where {filter} order by at desc, seq desc limit {PageSize} offset $6
            """, organizationId, from, until, endUserId, actor, (page - 1) * PageSize));
        batch.BatchCommands.Add(SqlBatch.Command($"select count(*) from {AuditLogTable.Name} where {filter}",
            organizationId, from, until, endUserId, actor));

        var entries = new List<Entry>(PageSize);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries.Add(new Entry(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                Text(reader, 4), Text(reader, 5), Text(reader, 6), Text(reader, 7), Text(reader, 8), Json(reader, 9), Json(reader, 10), Text(reader, 11)));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (entries, reader.GetInt64(0));
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static JsonElement? Json(NpgsqlDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : JsonDocument.Parse(reader.GetString(i)).RootElement.Clone();
}
