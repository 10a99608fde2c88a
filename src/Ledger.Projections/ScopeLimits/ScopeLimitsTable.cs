using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.ScopeLimits;

/// <summary>
/// Caps set on keys (scope 1) and teams (scope 2), and the organization's default consumer caps
/// (scope 0, scope_id ''), as admission reads them. Consumers' own caps are in consumer_overrides.
/// A row only where something is set.
/// </summary>
public static class ScopeLimitsTable
{
    public const string Name = LedgerSchema.Name + ".scope_limits";

    /// <summary>The scope_id of the organization's default consumer caps.</summary>
    public const string Defaults = "";

    public static Table Definition()
    {
        var table = CapColumns.ScopedTable(Name);
        table.AddColumn("updated_at", "timestamptz").NotNull();
        table.AddColumn<string>("updated_by").NotNull();
        return table;
    }
}
