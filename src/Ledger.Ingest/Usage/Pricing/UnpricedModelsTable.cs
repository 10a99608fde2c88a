using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Ingest.Usage.Pricing;

/// <summary>
/// The models an organization's usage named without a cost and without a price, counted at cost 0:
/// how many such requests, and when the last of them happened. Kept by the write path in the
/// transaction that stores the usage (<see cref="UnpricedModels"/>), so priced traffic pays nothing for it.
/// </summary>
public static class UnpricedModelsTable
{
    public const string Name = LedgerSchema.Name + ".unpriced_models";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("model").AsPrimaryKey();
        table.AddColumn<long>("requests").NotNull();
        table.AddColumn("last_seen_at", "timestamptz").NotNull();
        return table;
    }
}
