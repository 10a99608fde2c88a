using System.Globalization;

namespace Ledger.Api.Dashboard.Shell;

/// <summary>How the dashboard writes figures: one place, so every page shows money and time alike.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Dollars with cents, and as many more places as a small amount needs to show (to Ledger's 10).</summary>
    public static string Usd(decimal amount)
    {
        var abs = Math.Abs(amount);
        var text = abs == 0 || abs >= 0.01m ? abs.ToString("#,0.00", Invariant) : abs.ToString("0.##########", Invariant);
        return (amount < 0 ? "−$" : "$") + text;
    }

    /// <summary>A wire name as words: <c>tag_added</c> → "Tag added".</summary>
    public static string Words(string snake) => snake.Length == 0 ? snake : char.ToUpperInvariant(snake[0]) + snake[1..].Replace('_', ' ');

    public static string Count(long n) => n.ToString("#,0", Invariant);

    public static string Percent(double share) => share.ToString("0.#%", Invariant);

    /// <summary>UTC, to the minute: the ledger's days are UTC days.</summary>
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", Invariant);

    /// <summary>The machine-readable form for a &lt;time datetime&gt; attribute.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant);
}
