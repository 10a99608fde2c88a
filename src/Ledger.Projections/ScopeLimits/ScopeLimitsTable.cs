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
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn("scope", "smallint").AsPrimaryKey();
        table.AddColumn<string>("scope_id").AsPrimaryKey();
        CapColumns.AddTo(table);
        table.AddColumn("updated_at", "timestamptz").NotNull();
        table.AddColumn<string>("updated_by").NotNull();
        return table;
    }
}
