using Ledger.Domain.Money;
using Ledger.Projections.Storage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.DailyActivity;

/// <summary>
/// The async daily activity read model (SPEC §5): per consumer and UTC day, what it did, and per
/// model what that day's requests used. Days are those of the events' own timestamps (a usage's
/// <c>occurred_at</c>, a rejection's time), so a rebuild from history gives the same rows.
/// </summary>
public static class DailyActivityTables
{
    public const string Days = LedgerSchema.Name + ".consumer_daily_activity";
    public const string Models = LedgerSchema.Name + ".consumer_daily_models";

    /// <summary>Per consumer and calendar month (its first day): the billing period the anomaly cohorts and the summary look at.</summary>
    public const string Months = LedgerSchema.Name + ".consumer_monthly_activity";

    /// <summary>
    /// Per organization and calendar month, the anomaly cohort's statistics: its members (consumers
    /// with requests that month), their spend, requests and sum of squared requests, from which the
    /// means and the population deviation follow without reading every member.
    /// </summary>
    public const string Cohorts = LedgerSchema.Name + ".monthly_cohorts";

    /// <summary>
    /// Each consumer's markup as of the projection's position in the event log, so that usage is
    /// marked up by the percentage in force when it happened, in a live run and in a rebuild alike.
    /// </summary>
    public const string Markups = LedgerSchema.Name + ".consumer_activity_markups";

    /// <summary>
    /// Per organization and calendar month, its <see cref="TopSpendersKept"/> largest spenders (spend
    /// descending, then id), for the Consumers page's top consumer and chart (GET /api/consumers/summary)
    /// without an index on the months' spend. Kept exact page by page: a month's spend only grows (costs
    /// are at least 0), so a consumer can enter the list only when its own row changes, which is when the
    /// projection looks at it.
    /// </summary>
    public const string TopSpenders = LedgerSchema.Name + ".monthly_top_spenders";

    public const int TopSpendersKept = 100;

    /// <summary>The index the months' rows carried on spend before <see cref="TopSpenders"/>; dropped on upgrade.</summary>
    private const string SpendIndex = LedgerSchema.Name + ".consumer_monthly_activity_by_spend";

    public static IEnumerable<Table> Definitions()
    {
        var days = Keyed(Days);
        days.AddColumn<long>("requests").NotNull().DefaultValue(0L);
        days.AddColumn<long>("input_tokens").NotNull().DefaultValue(0L);
        days.AddColumn<long>("output_tokens").NotNull().DefaultValue(0L);
        days.AddColumn("spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        // Spend as reported to the consumer: each usage's cost with the consumer's markup of that moment.
        days.AddColumn("spend_with_markup", Usd.MarkedUpColumn).NotNull().DefaultValueByExpression("0");
        days.AddColumn<long>("successes").NotNull().DefaultValue(0L);
        days.AddColumn<long>("errors").NotNull().DefaultValue(0L);
        // Refusals at admission: 429 (rpm, tpm) and 402 (budgets).
        days.AddColumn<long>("rate_rejections").NotNull().DefaultValue(0L);
        days.AddColumn<long>("budget_rejections").NotNull().DefaultValue(0L);
        // A day's row is updated by every batch with usage of that consumer that day: keep the updates heap-only.
        days.KeepRoomForUpdates();
        yield return days;

        var models = Keyed(Models);
        models.AddColumn<string>("model").AsPrimaryKey();
        models.AddColumn<long>("requests").NotNull().DefaultValue(0L);
        models.AddColumn<long>("total_tokens").NotNull().DefaultValue(0L);
        models.AddColumn("spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        models.KeepRoomForUpdates();
        yield return models;

        var months = new Table(Months);
        months.AddColumn<Guid>("organization_id").AsPrimaryKey();
        months.AddColumn("month", "date").AsPrimaryKey();
        months.AddColumn<string>("end_user_id").AsPrimaryKey();
        months.AddColumn<long>("requests").NotNull().DefaultValue(0L);
        months.AddColumn("spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        // No index on a figure: every page of usage updates most of a month's rows, and an index on spend
        // made each of those updates write new index entries (docs/performance.md). The largest spenders
        // are kept apart, in TopSpenders.
        months.KeepRoomForUpdates();
        yield return months;

        var cohorts = new Table(Cohorts);
        cohorts.AddColumn<Guid>("organization_id").AsPrimaryKey();
        cohorts.AddColumn("month", "date").AsPrimaryKey();
        cohorts.AddColumn<long>("members").NotNull().DefaultValue(0L);
        cohorts.AddColumn("spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        cohorts.AddColumn<long>("requests").NotNull().DefaultValue(0L);
        cohorts.AddColumn("requests_squared", "numeric").NotNull().DefaultValueByExpression("0");
        cohorts.KeepRoomForUpdates();
        yield return cohorts;

        yield return TopSpendersDefinition();

        var markups = new Table(Markups);
        markups.AddColumn<Guid>("organization_id").AsPrimaryKey();
        markups.AddColumn<string>("end_user_id").AsPrimaryKey();
        markups.AddColumn("markup_percentage", Usd.MarkupColumn).NotNull();
        yield return markups;
    }

    private static Table TopSpendersDefinition()
    {
        var top = new Table(TopSpenders);
        top.AddColumn<Guid>("organization_id").AsPrimaryKey();
        top.AddColumn("month", "date").AsPrimaryKey();
        top.AddColumn<string>("end_user_id").AsPrimaryKey();
        top.AddColumn("spend", Usd.Column).NotNull();
        top.Indexes.Add(new IndexDefinition("monthly_top_spenders_by_spend") { Columns = ["organization_id", "month", "spend desc", "end_user_id"] });
        return top;
    }

    /// <summary>
    /// On a database from before <see cref="TopSpenders"/>: drops the months' spend index, makes the
    /// table and fills it from the months' rows, so the summary is whole at once. Runs before Marten's
    /// migration (Ledger.Api's SchemaUpgrades); does nothing on a new database or a second time.
    /// </summary>
    public static string Upgrade =>
        $"""
        do $$ begin
            if to_regclass('{Months}') is not null and to_regclass('{TopSpenders}') is null then
                drop index if exists {SpendIndex};
                {TopSpendersDefinition().ToCreateSql(new PostgresqlMigrator())}
                insert into {TopSpenders} (organization_id, month, end_user_id, spend)
                select organization_id, month, end_user_id, spend from (
                    select organization_id, month, end_user_id, spend,
                        row_number() over (partition by organization_id, month order by spend desc, end_user_id) n
                    from {Months}) m
                where n <= {TopSpendersKept};
            end if;
        end $$
        """;

    private static Table Keyed(string name)
    {
        var table = new Table(name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("end_user_id").AsPrimaryKey();
        table.AddColumn("day", "date").AsPrimaryKey();
        return table;
    }
}
