using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Storage;

/// <summary>
/// Tables whose rows are rewritten in place by every batch of usage (a consumer's totals, its day,
/// its month, a scope's meters). An update stays heap-only (HOT: no index touched) only when no
/// indexed column changes and the row's page has room for the new version; old versions leave a
/// page only once no open transaction can still see them, which under a steady ingest takes a
/// second or more. So these tables keep most of each page free for new versions.
/// <para>
/// At 5,000 events/s over 10,000 consumers (<c>./ledger bench lag</c> with the consumer ranking's
/// projection switched off, docs/performance.md), with pages 70 % full a third of these updates
/// were heap-only and the machine was busy on 190 % of its two cores; at 40 %, two thirds, and 137 %. The price is room: these tables take up to
/// 2.5 times the space of packed pages.
/// </para>
/// </summary>
public static class RewrittenRows
{
    public const int FillFactor = 40;

    /// <summary>Leaves room in each of <paramref name="table"/>'s pages for the new versions of its rows.</summary>
    public static Table KeepRoomForUpdates(this Table table)
    {
        table.WithFillFactor(FillFactor);
        return table;
    }
}
