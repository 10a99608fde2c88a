using System.Text;

namespace Ledger.Api.Consumers.Importing;

/// <summary>One CSV record and the 1-based line it starts on.</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>Why a CSV text could not be split into records, and where.</summary>
public sealed record CsvSyntaxError(int Line, string Message);

/// <summary>
/// RFC 4180 CSV: comma-separated fields, records ending in CRLF, LF or CR, fields optionally quoted
/// with "" standing for a quote inside them (so a quoted field may hold commas and line breaks).
/// Blank lines are skipped. A stray quote is an error rather than a guess.
/// </summary>
public static class Csv
{
    public static (IReadOnlyList<CsvRecord> Records, CsvSyntaxError? Error) Parse(string text)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var (line, recordLine, i) = (1, 1, 0);

        while (i <= text.Length)
        {
            if (i < text.Length && text[i] == '"' && field.Length == 0)
            {
                var start = line;
                i++;
                while (true)
                {
                    if (i >= text.Length) return (records, new CsvSyntaxError(start, "A quoted field is never closed."));
                    var c = text[i++];
                    if (c == '"')
                    {
                        if (i < text.Length && text[i] == '"') { field.Append('"'); i++; continue; }
                        break;
                    }
                    if (c == '\n') line++;
                    field.Append(c);
                }
                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    return (records, new CsvSyntaxError(line, "A closing quote must end its field."));
                continue;
            }

            var end = i == text.Length;
            var ch = end ? '\n' : text[i];
            if (ch == ',') { fields.Add(field.ToString()); field.Clear(); i++; continue; }
            if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; continue; }
            if (ch is '\n' or '\r') // a lone CR (old Mac files) ends a line too
            {
                fields.Add(field.ToString());
                field.Clear();
                if (fields is not [""]) records.Add(new CsvRecord(recordLine, [.. fields]));
                fields.Clear();
                i++;
                line++;
                recordLine = line;
                continue;
            }
            if (ch == '"') return (records, new CsvSyntaxError(line, "A quote inside an unquoted field; quote the whole field and double the quote."));
            field.Append(ch);
            i++;
        }
        return (records, null);
    }
}
