using System.Globalization;
using System.Text;
using Ledger.Domain.Money;

namespace Ledger.Api.Activity.Exporting;

/// <summary>The spend log as CSV, for the export endpoint and the dashboard's download alike.</summary>
public static class SpendLogCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static readonly string Header =
        string.Join(',', "request_id", "user", "model", "key_id", "input_tokens", "output_tokens", "cost_usd", "status", "occurred_at") + "\r\n";

    /// <summary>The rows, each ended by CRLF, without the header (a long download writes them page by page).</summary>
    public static string Rows(IReadOnlyList<SpendLogQuery.Row> rows)
    {
        var csv = new StringBuilder();
        foreach (var r in rows)
            csv.AppendJoin(',', Field(r.RequestId), Field(r.User ?? ""), Field(r.Model), Field(r.KeyId),
                    r.InputTokens.ToString(CultureInfo.InvariantCulture), r.OutputTokens.ToString(CultureInfo.InvariantCulture),
                    Usd.Trimmed(r.CostUsd).ToString(CultureInfo.InvariantCulture), r.Status, r.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
                .Append("\r\n");
        return csv.ToString();
    }

    /// <summary>
    /// RFC 4180 quoting, and a ';' is quoted too: spreadsheets in locales with a decimal comma split
    /// on it. A leading =, +, - or @ is quoted behind an apostrophe so spreadsheets never run it as a formula.
    /// </summary>
    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', ';', '"', '\r', '\n']) < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
