using Ledger.Ingest.Admissions.Caps;
using Ledger.Ingest.Admissions.Meters;
using Ledger.Projections.ConsumerOverrides;
using Ledger.Projections.Consumers;
using Ledger.Projections.ScopeLimits;
using Ledger.Projections.Storage;
using Weasel.Postgresql;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Until admission kept its own state, it read the caps from the dashboard's read models
/// (consumer_overrides, scope_limits) and a consumer's lifetime spend from its consumers row. On
/// such a database this creates <see cref="AdmissionCapsTable"/> and fills it from those read
/// models, and sets each consumer's lifetime meter to its total, in one transaction, before
/// Marten's migration and before any node admits: caps and budgets hold from the first request
/// after the upgrade. It runs once (the new table is its mark) and does nothing on a new database.
/// Nodes starting together take turns on the advisory lock; the later ones find the table.
/// Every node must run this release before usage flows again: an older node would settle usage
/// without adding consumers' spend to their meters.
/// </summary>
public static class AdmissionStateUpgrade
{
    public static string Sql =>
        $"""
        do $$ begin
            perform pg_advisory_xact_lock(hashtext('{AdmissionCapsTable.Name}'));
            if to_regclass('{ScopeLimitsTable.Name}') is not null and to_regclass('{AdmissionCapsTable.Name}') is null then
                {AdmissionCapsTable.Definition().ToCreateSql(new PostgresqlMigrator())}
                insert into {AdmissionCapsTable.Name} select organization_id, scope, scope_id, {CapColumns.Names}
                    from {ScopeLimitsTable.Name};
                insert into {AdmissionCapsTable.Name} select organization_id, 0, end_user_id, {CapColumns.Names}
                    from {ConsumerOverridesTable.Name} where num_nonnulls({CapColumns.Names}) > 0;
                if to_regclass('{ScopeMeterTables.Spend}') is not null then
                    insert into {ScopeMeterTables.Spend} as m (organization_id, scope, scope_id, spend)
                    select organization_id, 0, end_user_id, total_spend from {ConsumersTable.Name} where total_spend <> 0
                    on conflict (organization_id, scope, scope_id) do update set spend = excluded.spend;
                end if;
            end if;
        end $$;
        """;
}
