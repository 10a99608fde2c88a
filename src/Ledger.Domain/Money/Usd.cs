namespace Ledger.Domain.Money;

/// <summary>
/// Money in Ledger: US dollars as <see cref="decimal"/>, kept to <see cref="Scale"/> decimal places
/// and rounded half away from zero (PostgreSQL's rounding of <c>numeric</c>, so C# and SQL agree).
/// A cost is rounded once per request, where it enters (ingest) and again wherever a stored event
/// is folded, so events stored before this rule count as new ones do; sums of rounded amounts are
/// exact, so a rebuild gives the same figures however the events are paged. docs/architecture.md, "Money".
/// </summary>
public static class Usd
{
    public const int Scale = 10;

    /// <summary>Every stored amount: 18 whole digits and <see cref="Scale"/> places, which always fit a .NET decimal.</summary>
    public const string Column = "numeric(28,10)";

    /// <summary>Markup percentages have at most <see cref="MarkupScale"/> places (up to 1000 %).</summary>
    public const int MarkupScale = 4;

    public const string MarkupColumn = "numeric(8,4)";

    /// <summary>
    /// Cost times (1 + markup / 100), kept exact: a cost of 10 places times a factor of 6 has at most
    /// 16, so marked-up sums never depend on how they were grouped. Rounded to <see cref="Scale"/> when read.
    /// </summary>
    public const string MarkedUpColumn = "numeric(38,16)";

    /// <summary>The same amount at its smallest scale, for display: a stored 1.5000000000 shows as 1.5.</summary>
    public static decimal Trimmed(decimal amount) => amount / 1.0000000000000000000000000000m;

    public static decimal Round(decimal amount) => decimal.Round(amount, Scale, MidpointRounding.AwayFromZero);

    public static decimal RoundMarkup(decimal percentage) => decimal.Round(percentage, MarkupScale, MidpointRounding.AwayFromZero);

    /// <summary>Whether <paramref name="amount"/> has no more places than <paramref name="scale"/>: a cap or markup given with more is refused, not rounded.</summary>
    public static bool HasAtMostPlaces(decimal amount, int scale) => decimal.Round(amount, scale) == amount;
}
