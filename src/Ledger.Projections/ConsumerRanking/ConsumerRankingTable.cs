using Ledger.Projections.Consumers;
using Ledger.Projections.Storage;
using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.ConsumerRanking;

/// <summary>
/// The consumer list's index: one row per consumer with what the list sorts on, and an index per
/// sort order (the search's index is on the consumer rows, whose names never change). The consumer read model itself carries no such index, so that the update
/// every settled request makes to its row stays heap-only (see docs/performance.md); the indexes
/// are kept here instead, off the write path.
/// <para>
/// Every row is a copy of the consumer read model's row (<see cref="ConsumersTable"/>). Whether a
/// consumer is listed is copied in the same transaction as its registration or retirement
/// (<see cref="ConsumerTotalsProjection"/>), so the list's rows and total are always current; the sort
/// keys are copied by the async <see cref="ConsumerRankingProjection"/>, so the order trails the
/// figures by the projection's lag.
/// </para>
/// </summary>
public static class ConsumerRankingTable
{
    public const string Name = LedgerSchema.Name + ".consumer_ranking";

    /// <summary>Never active sorts before every time ascending and after every time descending, as a null would.</summary>
    public const string NeverActive = "'-infinity'::timestamptz";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("end_user_id").AsPrimaryKey();
        table.AddColumn("retired_at", "timestamptz");
        table.AddColumn<long>("requests").NotNull().DefaultValue(0L);
        table.AddColumn<long>("total_tokens").NotNull().DefaultValue(0L);
        table.AddColumn("total_spend", "numeric").NotNull().DefaultValueByExpression("0");
        table.AddColumn("last_active", "timestamptz").NotNull().DefaultValueByExpression(NeverActive);
        foreach (var column in SortKeys)
            table.Indexes.Add(new IndexDefinition($"consumer_ranking_by_{column}")
            {
                Columns = ["organization_id", column, "end_user_id"],
                Predicate = "retired_at is null",
            });
        return table;
    }

    /// <summary>
    /// On a database from before the ranking, makes it and fills it from the consumer rows, so the list
    /// is whole at once rather than after the async projection has replayed the event log.
    /// </summary>
    public static string Upgrade =>
        $"""
        do $$ begin
            if to_regclass('{ConsumersTable.Name}') is not null and to_regclass('{Name}') is null then
                {Definition().ToCreateSql(new PostgresqlMigrator())}
                insert into {Name} (organization_id, end_user_id, retired_at, requests, total_tokens, total_spend, last_active)
                select organization_id, end_user_id, retired_at, requests, input_tokens + output_tokens, total_spend,
                       coalesce(last_active, {NeverActive})
                from {ConsumersTable.Name};
            end if;
        end $$
        """;

    /// <summary>The columns the list sorts by besides end_user_id (which the primary key orders).</summary>
    public static readonly string[] SortKeys = ["requests", "total_tokens", "total_spend", "last_active"];

    /// <summary>What decides whether a consumer is listed: copied with its registration or retirement.</summary>
    public const string Membership = "retired_at = excluded.retired_at";

    /// <summary>What the list sorts by: copied after the usage that changed it.</summary>
    public const string Order =
        "requests = excluded.requests, total_tokens = excluded.total_tokens, total_spend = excluded.total_spend, last_active = excluded.last_active";

    /// <summary>
    /// Copies the named consumers' rows of the consumer read model, as they are in this transaction,
    /// into the ranking: a missing row whole, an existing one only in <paramref name="columns"/>
    /// (<see cref="Membership"/> or <see cref="Order"/>), and only when they differ. Rows are taken
    /// in key order, as every writer of consumer rows takes them.
    /// </summary>
    public static void Copy(IDocumentOperations operations, IEnumerable<(Guid Org, string User)> consumers, string columns)
    {
        var keys = consumers.Distinct().OrderBy(k => k.Org).ThenBy(k => k.User, StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return;
        var changed = string.Join(" or ", columns.Split(',').Select(c => c.Split('=')[0].Trim())
            .Select(c => $"r.{c} is distinct from excluded.{c}"));
        operations.QueueSqlCommand(
            $"""
            insert into {Name} as r (organization_id, end_user_id, retired_at, requests, total_tokens, total_spend, last_active)
            select c.organization_id, c.end_user_id, c.retired_at, c.requests, c.input_tokens + c.output_tokens, c.total_spend,
                   coalesce(c.last_active, {NeverActive})
            from unnest(?::uuid[], ?::text[]) with ordinality as k(o, u, n)
            join {ConsumersTable.Name} c on c.organization_id = k.o and c.end_user_id = k.u
            order by k.n
            on conflict (organization_id, end_user_id) do update set {columns}
            where {changed}
            """,
            keys.Select(k => k.Org).ToArray(), keys.Select(k => k.User).ToArray());
    }
}
