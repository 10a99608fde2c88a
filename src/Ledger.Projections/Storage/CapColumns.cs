using Ledger.Domain.Money;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Storage;

/// <summary>The cap columns shared by consumers' overrides and by key, team and default caps; null is no cap.</summary>
public static class CapColumns
{
    /// <summary>A table of caps per scope: organization, scope (consumer 0, key 1, team 2) and the scope's id, then the caps.</summary>
    public static Table ScopedTable(string name)
    {
        var table = new Table(name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn("scope", "smallint").AsPrimaryKey();
        table.AddColumn<string>("scope_id").AsPrimaryKey();
        AddTo(table);
        return table;
    }

    public static void AddTo(Table table)
    {
        table.AddColumn("rpm_limit", "bigint");
        table.AddColumn("tpm_limit", "bigint");
        table.AddColumn("max_budget", Usd.Column);
        table.AddColumn("budget_duration", "text");
        table.AddColumn("period_budget", Usd.Column);
        table.AddColumn("period_start", "timestamptz");
        table.AddColumn("period_end", "timestamptz");
    }
}
