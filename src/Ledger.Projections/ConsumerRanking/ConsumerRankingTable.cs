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
    private const string NeverActive = "'-infinity'::timestamptz";

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
                insert into {Name} ({Columns}) select {RowOf("c")} from {ConsumersTable.Name} c;
            end if;
        end $$
        """;

    /// <summary>The columns the list sorts by besides end_user_id (which the primary key orders).</summary>
    public static readonly string[] SortKeys = ["requests", "total_tokens", "total_spend", "last_active"];

    /// <summary>What decides whether a consumer is listed: copied with its registration or retirement.</summary>
    public static readonly string[] Membership = ["retired_at"];

    /// <summary>Every column of the ranking, in the order of <see cref="RowOf"/>.</summary>
    private const string Columns = "organization_id, end_user_id, retired_at, requests, total_tokens, total_spend, last_active";

    /// <summary>A ranking row made from the consumer row <paramref name="c"/>, its columns named as the ranking's.</summary>
    public static string RowOf(string c) =>
        $"{c}.organization_id, {c}.end_user_id, {c}.retired_at, {c}.requests, {c}.input_tokens + {c}.output_tokens total_tokens, " +
        $"{c}.total_spend, coalesce({c}.last_active, {NeverActive}) last_active";

    /// <summary>
    /// Copies the named consumers' rows of the consumer read model, as they are in this transaction,
    /// into the ranking: a missing row whole, an existing one only in <paramref name="columns"/>
    /// (<see cref="Membership"/> or <see cref="SortKeys"/>), and only when they differ. Rows are taken
    /// in key order, as every writer of consumer rows takes them.
    /// </summary>
    public static void Copy(IDocumentOperations operations, IEnumerable<(Guid Org, string User)> consumers, string[] columns)
    {
        var keys = consumers.Distinct().OrderBy(k => k.Org).ThenBy(k => k.User, StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return;
        operations.QueueSqlCommand(
            $"""
            insert into {Name} as r ({Columns})
            select {RowOf("c")}
            from unnest(?::uuid[], ?::text[]) with ordinality as k(o, u, n)
            join {ConsumersTable.Name} c on c.organization_id = k.o and c.end_user_id = k.u
            order by k.n
            on conflict (organization_id, end_user_id) do update set {string.Join(", ", columns.Select(c => $"{c} = excluded.{c}"))}
            where {string.Join(" or ", columns.Select(c => $"r.{c} is distinct from excluded.{c}"))}
            """,
            keys.Select(k => k.Org).ToArray(), keys.Select(k => k.User).ToArray());
    }
}
