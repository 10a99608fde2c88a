using Ledger.Domain.Money;
using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.ModelPrices;

/// <summary>
/// Every price an organization has set for a model, with the time it took effect, so usage is
/// priced at the price in force when it happened. A row without prices is a removal: from then on
/// the shipped default applies. Keyed for the write path's one lookup per batch (organization, model).
/// </summary>
public static class ModelPricesTable
{
    public const string Name = LedgerSchema.Name + ".model_prices";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("model").AsPrimaryKey();
        table.AddColumn("effective_from", "timestamptz").AsPrimaryKey();
        table.AddColumn("input_usd_per_million", Usd.Column);
        table.AddColumn("output_usd_per_million", Usd.Column);
        table.AddColumn<string>("changed_by").NotNull();
        return table;
    }
}
