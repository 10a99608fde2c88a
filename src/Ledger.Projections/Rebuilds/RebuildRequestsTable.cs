using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Rebuilds;

/// <summary>
/// Rebuilds asked for while an API node runs the projection: the node that holds the projection's
/// shard claims the row, rebuilds, restarts the shard and writes down how it went. Rows are kept
/// as the history of rebuilds.
/// </summary>
public static class RebuildRequestsTable
{
    public const string Name = LedgerSchema.Name + ".projection_rebuilds";

    /// <summary>Past this, an untaken request is left alone: the command that made it has given up (or died).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    /// <summary>SQL: the row is a request still waiting to be taken.</summary>
    public static readonly string Waiting = $"started_at is null and requested_at > now() - interval '{(int)StaleAfter.TotalSeconds} seconds'";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn("id", "bigserial").AsPrimaryKey();
        table.AddColumn<string>("projection").NotNull();
        table.AddColumn("requested_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        // Set by the node that claims it: when, which node, and the newest event when it started.
        table.AddColumn("started_at", "timestamptz");
        table.AddColumn("node", "text");
        table.AddColumn("target", "bigint");
        // Set when it ends: the position the rebuild reached, or why it failed.
        table.AddColumn("finished_at", "timestamptz");
        table.AddColumn("position", "bigint");
        table.AddColumn("error", "text");
        return table;
    }
}
