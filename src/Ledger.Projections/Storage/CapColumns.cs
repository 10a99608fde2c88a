using Ledger.Domain.Consumers;
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

    /// <summary>The cap columns' names, in table order.</summary>
    public const string Names = "rpm_limit, tpm_limit, max_budget, budget_duration, period_budget, period_start, period_end";

    /// <summary>Marten placeholders (<c>QueueSqlCommand</c>) for <see cref="Values"/>, typed, since any of them may be null.</summary>
    public const string Placeholders = "?::bigint, ?::bigint, ?::numeric, ?::text, ?::numeric, ?::timestamptz, ?::timestamptz";

    /// <summary>An upsert's <c>do update set</c> list that takes every cap from the row proposed.</summary>
    public const string FromExcluded =
        "rpm_limit = excluded.rpm_limit, tpm_limit = excluded.tpm_limit, max_budget = excluded.max_budget, " +
        "budget_duration = excluded.budget_duration, period_budget = excluded.period_budget, " +
        "period_start = excluded.period_start, period_end = excluded.period_end";

    /// <summary>The caps of <paramref name="l"/> as the values of <see cref="Names"/>, in order; null is no cap.</summary>
    public static object[] Values(ConsumerLimits l) =>
        [l.RpmLimit!, l.TpmLimit!, l.MaxBudget!, l.BudgetDuration?.ToString().ToLowerInvariant()!,
         l.PeriodBudget!, l.PeriodStart?.ToUniversalTime()!, l.PeriodEnd?.ToUniversalTime()!];

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
