using Ledger.Domain.Money;
using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Ingest.Admissions.Meters;

/// <summary>
/// What admission needs to know of settled usage, per scope (consumer 0, key 1, team 2; the
/// <c>CapScope</c> values), kept in the same transaction as the usage (<see cref="ScopeMeters"/>):
/// lifetime spend and released reservations; a consumer's spend per UTC day (for period budgets);
/// and tokens per second of recording for the last two minutes (for tpm, of scopes with a tpm
/// cap). A consumer's spend of one day, usually today, is kept in its lifetime row (<c>day</c>,
/// <c>day_spend</c>), so settling a consumer's usage writes one row, not two; its other days are
/// daily rows, and the kept day joins them once a later day comes (<see cref="ScopeMeters.MoveOldDaysAsync"/>).
/// A day's spend is the sum of both. Only settlement and expiry write these rows; admission only
/// reads them, so the two paths never wait for each other.
/// </summary>
public static class ScopeMeterTables
{
    public const string Spend = LedgerSchema.Name + ".scope_spend";
    public const string DailySpend = LedgerSchema.Name + ".scope_daily_spend";
    public const string RecentTokens = LedgerSchema.Name + ".scope_recent_tokens";

    /// <summary>How long per-second token rows are kept: the 60-second window and some slack.</summary>
    public static readonly TimeSpan RecentTokensKept = TimeSpan.FromMinutes(2);

    public static IEnumerable<Table> Definitions()
    {
        var spend = Scoped(Spend);
        spend.AddColumn("spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        // Estimated cost of reservations closed by settlement or expiry. Open reservations of a
        // scope are what admissions reserved (admission_state.reserved) minus this.
        spend.AddColumn("released", Usd.Column).NotNull().DefaultValueByExpression("0");
        // A consumer's kept day and its spend on it (null and 0 for keys and teams).
        spend.AddColumn("day", "date");
        spend.AddColumn("day_spend", Usd.Column).NotNull().DefaultValueByExpression("0");
        // Every settlement updates these rows in place; with room left in each page the updates stay
        // heap-only (HOT) and touch no index, as for the consumer totals.
        spend.KeepRoomForUpdates();
        yield return spend;

        var daily = Scoped(DailySpend);
        daily.AddColumn("day", "date").AsPrimaryKey();
        daily.AddColumn("spend", Usd.Column).NotNull();
        daily.KeepRoomForUpdates();
        yield return daily;

        var tokens = Scoped(RecentTokens);
        tokens.AddColumn("second", "timestamptz").AsPrimaryKey();
        tokens.AddColumn<long>("tokens").NotNull();
        yield return tokens;
    }

    private static Table Scoped(string name)
    {
        var table = new Table(name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn("scope", "smallint").AsPrimaryKey();
        table.AddColumn<string>("scope_id").AsPrimaryKey();
        return table;
    }
}
