using System.Globalization;
using FluentValidation;
using Ledger.Api.Consumers.Registering;
using Ledger.Domain.Consumers.Registering;

namespace Ledger.Api.Consumers.Importing;

/// <summary>A valid row of an import, as the pre-registration it stands for.</summary>
public sealed record ImportRow(int Line, PreRegisterRequest Request);

/// <summary>
/// Turns CSV records into pre-registrations, checking every row with the same rules as
/// <c>POST /api/end-users/create</c> and collecting every problem rather than stopping at the first.
/// </summary>
public static class ImportRows
{
    public static readonly string[] Columns = ["end_user_id", "max_budget", "rpm_limit", "tpm_limit", "notes"];

    /// <summary>The header's problem, if any: end_user_id is required, the other columns are optional, none unknown or repeated.</summary>
    public static ImportProblem? CheckHeader(CsvRecord header)
    {
        var names = header.Fields.Select(f => f.Trim()).ToList();
        foreach (var name in names)
        {
            if (!Columns.Contains(name))
                return new ImportProblem(header.Line, name, $"Unknown column '{name}'; the columns are {string.Join(",", Columns)}.");
            if (names.Count(n => n == name) > 1) return new ImportProblem(header.Line, name, $"Column '{name}' appears twice.");
        }
        return names.Contains("end_user_id") ? null : new ImportProblem(header.Line, "end_user_id", "The header has no end_user_id column.");
    }

    /// <summary>The override fields the file sets: a column left out leaves that field of existing consumers alone.</summary>
    public static CapFields Given(CsvRecord header)
    {
        var names = header.Fields.Select(f => f.Trim()).ToHashSet();
        return (names.Contains("max_budget") ? CapFields.MaxBudget : 0) | (names.Contains("rpm_limit") ? CapFields.RpmLimit : 0)
            | (names.Contains("tpm_limit") ? CapFields.TpmLimit : 0) | (names.Contains("notes") ? CapFields.Notes : 0);
    }

    public static (List<ImportRow> Rows, List<ImportProblem> Problems) Read(
        CsvRecord header, IEnumerable<CsvRecord> records, string organizationId, IValidator<PreRegisterRequest> validator)
    {
        var columns = header.Fields.Select(f => f.Trim()).ToList();
        var (rows, problems) = (new List<ImportRow>(), new List<ImportProblem>());
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Fields.Count != columns.Count)
            {
                problems.Add(new ImportProblem(record.Line, "row", $"Expected {columns.Count} fields, found {record.Fields.Count}."));
                continue;
            }
            var rowProblems = new List<ImportProblem>();
            string? Cell(string column) => columns.IndexOf(column) is var i and >= 0 && record.Fields[i].Length > 0 ? record.Fields[i] : null;
            var request = new PreRegisterRequest(organizationId, Cell("end_user_id"),
                Number<decimal>(Cell("max_budget"), "max_budget", decimal.TryParse), Number<long>(Cell("rpm_limit"), "rpm_limit", long.TryParse),
                Number<long>(Cell("tpm_limit"), "tpm_limit", long.TryParse), Cell("notes"));

            T? Number<T>(string? cell, string column, Parser<T> parse) where T : struct
            {
                if (cell is null || cell.Trim().Length == 0) return null;
                if (parse(cell.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return value;
                var kind = typeof(T) == typeof(long) ? "a whole number" : "a number";
                rowProblems.Add(new ImportProblem(record.Line, column, $"'{column}' must be {kind}, or empty for no cap."));
                return null;
            }

            rowProblems.AddRange(validator.Validate(request).Errors.Select(e => new ImportProblem(record.Line, e.PropertyName, e.ErrorMessage)));
            if (request.EndUserId is { } id && !firstLine.TryAdd(id, record.Line))
                rowProblems.Add(new ImportProblem(record.Line, "end_user_id", $"'{id}' appears already on line {firstLine[id]}."));
            if (rowProblems.Count == 0) rows.Add(new ImportRow(record.Line, request));
            else problems.AddRange(rowProblems);
        }
        return (rows, problems);
    }

    private delegate bool Parser<T>(string s, NumberStyles styles, IFormatProvider provider, out T value);
}
