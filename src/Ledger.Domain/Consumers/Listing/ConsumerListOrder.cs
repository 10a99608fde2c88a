namespace Ledger.Domain.Consumers.Listing;

/// <summary>
/// The orders the consumer list offers. Each is ascending by its figure with ties broken by
/// end_user_id, so descending is the same order read backwards; a consumer never active sorts
/// before every time. Names compare by code point, as PostgreSQL's "C" collation compares UTF-8,
/// so an order computed here and one sorted in SQL agree on every database.
/// </summary>
public static class ConsumerListOrder
{
    public static readonly string[] Keys = ["end_user_id", "total_spend", "total_tokens", "requests", "last_active"];

    /// <summary>What the list sorts a consumer by.</summary>
    public sealed record Figures(string EndUserId, long Requests, long TotalTokens, decimal TotalSpend, DateTimeOffset? LastActive);

    /// <summary>The consumers' ids in ascending <paramref name="key"/> order (one of <see cref="Keys"/>).</summary>
    public static string[] Sort(IReadOnlyList<Figures> consumers, string key)
    {
        Comparison<Figures> byFigure = key switch
        {
            "end_user_id" => (_, _) => 0,
            "total_spend" => (a, b) => a.TotalSpend.CompareTo(b.TotalSpend),
            "total_tokens" => (a, b) => a.TotalTokens.CompareTo(b.TotalTokens),
            "requests" => (a, b) => a.Requests.CompareTo(b.Requests),
            "last_active" => (a, b) => Nullable.Compare(a.LastActive, b.LastActive),
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not an order of the consumer list."),
        };
        var sorted = consumers.ToArray();
        Array.Sort(sorted, (a, b) => byFigure(a, b) is var c and not 0 ? c : CompareIds(a.EndUserId, b.EndUserId));
        return Array.ConvertAll(sorted, c => c.EndUserId);
    }

    /// <summary>
    /// Code point order. UTF-16 code units already compare that way except that surrogates (a code
    /// point above U+FFFF) sort below U+E000–U+FFFF; moving them above those fixes it.
    /// </summary>
    public static int CompareIds(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] == b[i]) continue;
            return CodePointRank(a[i]).CompareTo(CodePointRank(b[i]));
        }
        return a.Length.CompareTo(b.Length);
    }

    private static int CodePointRank(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
