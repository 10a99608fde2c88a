using System.Globalization;
using FluentValidation;

namespace Ledger.Api.Validation;

/// <summary>The one way a query string names a UTC day: YYYY-MM-DD.</summary>
public static class DayRules
{
    /// <summary>The day <paramref name="value"/> names, or null when it names none.</summary>
    public static DateOnly? Parse(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>Absent, or a day as YYYY-MM-DD.</summary>
    public static IRuleBuilderOptions<T, string?> Day<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(s => s is null || Parse(s) is not null).WithMessage("'{PropertyName}' must be a date as YYYY-MM-DD.");
}
