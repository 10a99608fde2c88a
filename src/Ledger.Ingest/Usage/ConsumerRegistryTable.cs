using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Ingest.Usage;

/// <summary>
/// Write-side uniqueness index of consumers: whoever inserts a consumer's row registers it, in
/// the same transaction as its <c>ConsumerRegistered</c> event. A concurrent writer naming the
/// same new consumer waits for that transaction and then sees the consumer as known, so a
/// consumer is registered exactly once without a failed transaction to retry.
/// </summary>
public static class ConsumerRegistryTable
{
    public const string Name = LedgerSchema.Name + ".consumer_registry";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("end_user_id").AsPrimaryKey();
        table.AddColumn("registered_at", "timestamptz").NotNull();
        return table;
    }
}
