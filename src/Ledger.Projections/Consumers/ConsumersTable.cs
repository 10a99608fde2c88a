using Ledger.Domain.Money;
using Ledger.Projections.Storage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Consumers;

/// <summary>
/// The inline Consumer read model (SPEC §5): one row per (organization, end_user_id) with lifetime
/// totals. A plain table rather than a JSON document so that totals can be folded in set-based and
/// the dashboard can sort and page on indexed columns.
/// </summary>
public static class ConsumersTable
{
    public const string Name = LedgerSchema.Name + ".consumers";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("end_user_id").AsPrimaryKey();
        table.AddColumn<long>("requests").NotNull().DefaultValue(0L);
        table.AddColumn<long>("input_tokens").NotNull().DefaultValue(0L);
        table.AddColumn<long>("output_tokens").NotNull().DefaultValue(0L);
        table.AddColumn("total_spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        table.AddColumn("first_seen", "timestamptz").NotNull();
        table.AddColumn("last_active", "timestamptz");
        // Null only until the ConsumerRegistered event of a consumer first seen in this batch is folded in.
        table.AddColumn("registration_source", "text");
        table.AddColumn("keys_seen", "text[]").NotNull().DefaultValueByExpression("'{}'");
        // Retired consumers leave the list; registering again (by traffic or by hand) brings them back.
        table.AddColumn("retired_at", "timestamptz");
        // Every settled request updates its consumer's row. With no index on a total and free room
        // in each page, those updates stay heap-only (HOT) and touch no index at all; the list's
        // orders are computed apart (ConsumerRankingTable). See docs/performance.md.
        table.KeepRoomForUpdates();
        // The list's substring search. end_user_id never changes, so this index keeps usage updates heap-only.
        table.Indexes.Add(new IndexDefinition("consumers_search")
        {
            Method = IndexMethod.gin,
            Columns = ["end_user_id"],
            Mask = "? gin_trgm_ops",
            Predicate = "retired_at is null",
        });
        return table;
    }

    /// <summary>Trigram indexes make the list's substring search an index lookup.</summary>
    public static readonly Extension Trigrams = new("pg_trgm");
}
