using Ledger.Domain.Money;
using Ledger.Projections.Consumers;
using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.OrganizationUsage;

/// <summary>
/// Organization-wide lifetime totals, including usage attributed to no consumer (no <c>user</c>
/// or a reserved identifier), which counts here and nowhere in the consumer list, and how many
/// consumers are listed.
/// </summary>
public static class OrganizationUsageTable
{
    public const string Name = LedgerSchema.Name + ".organization_usage";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<long>("requests").NotNull().DefaultValue(0L);
        table.AddColumn<long>("input_tokens").NotNull().DefaultValue(0L);
        table.AddColumn<long>("output_tokens").NotNull().DefaultValue(0L);
        table.AddColumn("total_spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        table.AddColumn<long>("unattributed_requests").NotNull().DefaultValue(0L);
        table.AddColumn("unattributed_spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        // Registered and not retired: the consumer list's total when it is not searched or scoped.
        table.AddColumn<long>("active_consumers").NotNull().DefaultValue(0L);
        // Registrations, retirements and attributed settlements: it moves whenever the consumer list's
        // figures do, so the list's orders are computed again when it differs from what they were computed at.
        table.AddColumn<long>("consumer_changes").NotNull().DefaultValue(0L);
        // Every write transaction adds to its organization's row.
        table.KeepRoomForUpdates();
        return table;
    }

    /// <summary>
    /// Adds <c>active_consumers</c> to a database from before it and counts them, once; and
    /// <c>consumer_changes</c>, from zero, since the orders are computed once for every organization
    /// the first time anyway (<see cref="ConsumerRanking.ConsumerRankingRefresh"/>).
    /// </summary>
    public const string Upgrade =
        $"""
        do $$ begin
            if to_regclass('{Name}') is not null and not exists (select 1 from information_schema.columns
                    where table_schema = '{LedgerSchema.Name}' and table_name = 'organization_usage' and column_name = 'active_consumers') then
                alter table {Name} add column active_consumers bigint not null default 0;
                insert into {Name} as t (organization_id, active_consumers)
                select organization_id, count(*) from {ConsumersTable.Name} where retired_at is null group by organization_id
                on conflict (organization_id) do update set active_consumers = excluded.active_consumers;
            end if;
            if to_regclass('{Name}') is not null then
                alter table {Name} add column if not exists consumer_changes bigint not null default 0;
            end if;
        end $$
        """;
}
