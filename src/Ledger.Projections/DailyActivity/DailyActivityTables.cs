using Ledger.Domain.Money;
using Ledger.Projections.Storage;
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
        months.KeepRoomForUpdates();
        // The month's largest spenders (the Consumers page's top consumer and chart, GET /api/consumers/summary)
        // as an index scan rather than a sort of every consumer of the month. It costs the async
        // projection one index update per month row it changes (spend is in the key, so no heap-only update).
        months.Indexes.Add(new IndexDefinition("consumer_monthly_activity_by_spend")
        {
            Columns = ["organization_id", "month", "spend desc", "end_user_id"],
        });
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

        var markups = new Table(Markups);
        markups.AddColumn<Guid>("organization_id").AsPrimaryKey();
        markups.AddColumn<string>("end_user_id").AsPrimaryKey();
        markups.AddColumn("markup_percentage", Usd.MarkupColumn).NotNull();
        yield return markups;
    }

    private static Table Keyed(string name)
    {
        var table = new Table(name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("end_user_id").AsPrimaryKey();
        table.AddColumn("day", "date").AsPrimaryKey();
        return table;
    }
}
