namespace Ledger.Api.Dashboard.Charts;

/// <summary>One bar: its label (a day, a consumer), its value, and where it leads, if anywhere.</summary>
public sealed record ChartPoint(string Label, decimal Value, string? Href = null);
