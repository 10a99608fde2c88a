using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Audit;

/// <summary>
/// The audit trail: one row per audited change to a consumer, a key's or team's caps, the
/// organization's consumer defaults or a model's price, keyed by the event's id so that replaying an event
/// never duplicates its entry. Readers see only the last 90 days (<see cref="RetentionWindow"/>).
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
        // The subject: a consumer, a key, a team or a model; none for the organization's consumer defaults.
        table.AddColumn<string>("end_user_id");
        table.AddColumn<string>("key_id");
        table.AddColumn<string>("team_id");
        table.AddColumn<string>("model");
        table.AddColumn("tag", "text");
        table.AddColumn("before", "jsonb");
        table.AddColumn("after", "jsonb");
        table.AddColumn("notes", "text");
        // The event's position in the log: orders entries that share a time (one request's events).
        table.AddColumn<long>("seq").NotNull().DefaultValue(0L);
        table.Indexes.Add(new IndexDefinition("audit_log_by_time") { Columns = ["organization_id", "at", "seq"] });
        return table;
    }

    /// <summary>
    /// Tables created before key, team and default caps were audited require an end_user_id; the
    /// schema migration adds columns but never drops a NOT NULL, so this does, before it runs.
    /// </summary>
    public const string Upgrade =
        $"""
        do $$ begin
            if exists (select 1 from information_schema.columns where table_schema = '{LedgerSchema.Name}' and table_name = 'audit_log'
                       and column_name = 'end_user_id' and is_nullable = 'NO') then
                alter table {Name} alter column end_user_id drop not null;
            end if;
        end $$
        """;
}
