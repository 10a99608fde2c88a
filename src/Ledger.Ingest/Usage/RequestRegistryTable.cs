using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Ingest.Usage;

/// <summary>
/// Write-side idempotency index: one row per (organization, request_id) ever settled. A batch
/// claims its request ids with <c>insert ... on conflict do nothing returning</c> in the same
/// transaction as its events, so a retried or racing post of the same request is appended once.
/// </summary>
public static class RequestRegistryTable
{
    public const string Name = LedgerSchema.Name + ".usage_requests";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("request_id").AsPrimaryKey();
        table.AddColumn("recorded_at", "timestamptz").NotNull();
        return table;
    }
}
