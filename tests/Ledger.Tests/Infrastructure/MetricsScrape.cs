using System.Globalization;
using System.Text.RegularExpressions;

namespace Ledger.Tests.Infrastructure;

/// <summary>Reads a Prometheus scrape (GET /metrics) as an operator's dashboard would: series by name and labels.</summary>
public static partial class MetricsScrape
{
    /// <summary>The lines of the series <paramref name="name"/> that carry every one of <paramref name="labels"/>.</summary>
    public static IEnumerable<string> Series(string scrape, string name, params string[] labels) =>
        scrape.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)));

    /// <summary>The sum of those series' values (0 when there is none).</summary>
    public static double Value(string scrape, string name, params string[] labels) =>
        Series(scrape, name, labels).Select(l => double.Parse(SampleValue().Match(l).Groups[1].Value, CultureInfo.InvariantCulture)).Sum();

    [GeneratedRegex(@"\}\s([0-9.eE+-]+)(\s\d+)?$")]
    private static partial Regex SampleValue();
}
