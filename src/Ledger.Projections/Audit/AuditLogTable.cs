using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Audit;

/// <summary>
/// The audit trail: one row per audited event, keyed by the event's id so that replaying an event
/// never duplicates its entry. Readers see only the last 90 days (<see cref="AuditWindow"/>).
/// </summary>
public static class AuditLogTable
{
    public const string Name = LedgerSchema.Name + ".audit_log";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn<Guid>("organization_id").NotNull();
        table.AddColumn("at", "timestamptz").NotNull();
        table.AddColumn<string>("actor").NotNull();
        table.AddColumn<string>("action").NotNull();
        table.AddColumn<string>("end_user_id").NotNull();
        table.AddColumn("tag", "text");
        table.AddColumn("before", "jsonb");
        table.AddColumn("after", "jsonb");
        table.AddColumn("notes", "text");
        // The event's position in the log: orders entries that share a time (one request's events).
        table.AddColumn<long>("seq").NotNull().DefaultValue(0L);
        table.Indexes.Add(new IndexDefinition("audit_log_by_time") { Columns = ["organization_id", "at", "seq"] });
        return table;
    }
}
