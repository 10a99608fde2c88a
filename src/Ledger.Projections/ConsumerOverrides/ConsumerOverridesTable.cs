using Ledger.Domain.Money;
using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.ConsumerOverrides;

/// <summary>Consumers' own caps and budgets: a row only for a consumer whose override sets something.</summary>
public static class ConsumerOverridesTable
{
    public const string Name = LedgerSchema.Name + ".consumer_overrides";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("end_user_id").AsPrimaryKey();
        CapColumns.AddTo(table);
        table.AddColumn("markup_percentage", Usd.MarkupColumn);
        table.AddColumn("notes", "text");
        table.AddColumn("updated_at", "timestamptz").NotNull();
        table.AddColumn<string>("updated_by").NotNull();
        return table;
    }
}
