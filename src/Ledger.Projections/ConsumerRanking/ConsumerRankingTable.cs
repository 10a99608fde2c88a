using Ledger.Domain.Consumers.Listing;
using Ledger.Projections.Consumers;
using Ledger.Projections.Storage;
using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.ConsumerRanking;

/// <summary>
/// The consumer list's orders: for each organization and each order of <see cref="ConsumerListOrder"/>,
/// its listed consumers' ids in ascending order, stored in chunks of <see cref="ChunkSize"/>. A page of
/// the whole list reads one or two chunks (backwards for a descending order) instead of sorting the
/// organization's consumers. The consumer read model carries no index on a figure, so that the update
/// every settled request makes to its row stays heap-only (see docs/performance.md); and these rows
/// are rewritten per organization at most every so often (<see cref="ConsumerRankingRefresh"/>),
/// not per event, so their cost follows the number of consumers rather than the event rate.
/// </summary>
public static class ConsumerRankingTable
{
    public const string Name = LedgerSchema.Name + ".consumer_ranking_chunks";
    public const int ChunkSize = 1_000;

    /// <summary>The per-consumer copy of the releases before these chunks; dropped on upgrade.</summary>
    private const string Replaced = LedgerSchema.Name + ".consumer_ranking";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("sort_key").AsPrimaryKey();
        table.AddColumn<int>("chunk").AsPrimaryKey();
        // How many consumers the order holds, so a descending page knows where to start.
        table.AddColumn<int>("members").NotNull();
        table.AddColumn("end_user_ids", "text[]").NotNull();
        return table;
    }

    /// <summary>
    /// For each organization, the <c>consumer_changes</c> of its usage row that its stored orders
    /// were computed at (<see cref="ConsumerRankingRefresh"/>): where the two differ, they are due.
    /// </summary>
    public const string Progress = LedgerSchema.Name + ".consumer_ranking_progress";

    public static Table ProgressDefinition()
    {
        var table = new Table(Progress);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<long>("consumer_changes").NotNull();
        return table;
    }

    /// <summary>Where the async projection of earlier releases kept the event its orders reflected; dropped on upgrade.</summary>
    private const string ReplacedPosition = LedgerSchema.Name + ".consumer_ranking_position";

    /// <summary>The sort keys of the consumer row <paramref name="c"/>, named as the list sorts by them (a never active consumer first).</summary>
    public static string RowOf(string c) =>
        $"{c}.organization_id, {c}.end_user_id, {c}.requests, {c}.input_tokens + {c}.output_tokens total_tokens, " +
        $"{c}.total_spend, coalesce({c}.last_active, '-infinity'::timestamptz) last_active";

    /// <summary>
    /// Reads the listed consumers of each organization as they are now and queues their orders'
    /// chunks: each written only when it differs, the chunks past the end deleted. An organization
    /// whose rows cannot be read or sorted is skipped and returned with its error, so that it does not
    /// hold back the others; a database error is not its own and fails the whole page, to be retried.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, Exception>> RefreshAsync(
        IDocumentOperations operations, IEnumerable<Guid> organizations, CancellationToken ct)
    {
        var failed = new Dictionary<Guid, Exception>();
        foreach (var org in organizations)
        {
            try
            {
                await RefreshAsync(operations, org, ct);
            }
            catch (Exception e) when (e is not (OperationCanceledException or NpgsqlException))
            {
                failed[org] = e;
            }
        }
        return failed;
    }

    private static async Task RefreshAsync(IDocumentOperations operations, Guid org, CancellationToken ct)
    {
        var consumers = await ListedAsync(operations, org, ct);
        var chunks = (consumers.Count + ChunkSize - 1) / ChunkSize;
        if (chunks > 0)
        {
            var rows = new List<object>(ConsumerListOrder.Keys.Length * chunks * 5);
            foreach (var key in ConsumerListOrder.Keys)
            {
                var order = ConsumerListOrder.Sort(consumers, key);
                for (var chunk = 0; chunk < chunks; chunk++)
                    rows.AddRange([org, key, chunk, consumers.Count, order[(chunk * ChunkSize)..Math.Min(order.Length, (chunk + 1) * ChunkSize)]]);
            }
            operations.QueueSqlCommand(
                $"""
                insert into {Name} as t (organization_id, sort_key, chunk, members, end_user_ids)
                values {string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?::text[])", rows.Count / 5))}
                on conflict (organization_id, sort_key, chunk) do update set members = excluded.members, end_user_ids = excluded.end_user_ids
                where (t.members, t.end_user_ids) is distinct from (excluded.members, excluded.end_user_ids)
                """, [.. rows]);
        }
        operations.QueueSqlCommand($"delete from {Name} where organization_id = ? and chunk >= ?", org, chunks);
    }

    private static async Task<List<ConsumerListOrder.Figures>> ListedAsync(IDocumentOperations operations, Guid org, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select end_user_id, requests, input_tokens + output_tokens, total_spend, last_active from {ConsumersTable.Name} where organization_id = $1 and retired_at is null")
        { Parameters = { new NpgsqlParameter { Value = org } } };
        var consumers = new List<ConsumerListOrder.Figures>();
        await using var reader = await operations.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
            consumers.Add(new ConsumerListOrder.Figures(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        return consumers;
    }

    /// <summary>
    /// On a database from before these chunks (with the per-consumer copy of earlier releases, or
    /// none): drops the old copy, makes the chunks and fills them from the consumer rows, so the list
    /// is whole at once rather than after each organization's next usage. Checked by whether any
    /// consumer is listed while no chunk is stored, so a start cut short is finished by the next.
    /// On a database whose chunks an async projection kept: drops its position and its progress row.
    /// </summary>
    public static async Task UpgradeAsync(IDocumentStore store, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using (var make = dataSource.CreateCommand(
            $"""
            drop table if exists {Replaced};
            drop table if exists {ReplacedPosition};
            do $$ begin
                if to_regclass('{LedgerSchema.Name}.mt_event_progression') is not null then
                    delete from {LedgerSchema.Name}.mt_event_progression where name like '{ConsumerRankingRefresh.Name}:%';
                end if;
            end $$;
            do $$ begin
                if to_regclass('{ConsumersTable.Name}') is not null and to_regclass('{Name}') is null then
                    {Definition().ToCreateSql(new PostgresqlMigrator())}
                end if;
            end $$;
            select to_regclass('{Name}') is not null
            """))
            if (!(bool)(await make.ExecuteScalarAsync(ct))!) return;
        var organizations = new List<Guid>();
        await using (var unranked = dataSource.CreateCommand(
            $"select distinct organization_id from {ConsumersTable.Name} where retired_at is null and not exists (select 1 from {Name})"))
        await using (var reader = await unranked.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) organizations.Add(reader.GetGuid(0));
        if (organizations.Count == 0) return;
        await using var session = store.LightweightSession();
        await RefreshAsync(session, organizations, ct);
        await session.SaveChangesAsync(ct);
    }
}
