using System.Globalization;
using FluentValidation;

namespace Ledger.Api.Validation;

/// <summary>The one way a query string names a UTC day: YYYY-MM-DD, of a year from 1970 to 2999.</summary>
public static class DayRules
{
    /// <summary>Far enough from DateOnly's ends that a day's neighbours and a month around it always exist.</summary>
    public static readonly DateOnly First = new(1970, 1, 1), Last = new(2999, 12, 31);

    /// <summary>The day <paramref name="value"/> names, or null when it names none (or one outside the years allowed).</summary>
    public static DateOnly? Parse(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
        && day >= First && day <= Last ? day : null;

    /// <summary>Absent, or a day as YYYY-MM-DD.</summary>
    public static IRuleBuilderOptions<T, string?> Day<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(s => s is null || Parse(s) is not null)
            .WithMessage($"'{{PropertyName}}' must be a date as YYYY-MM-DD, from {First:yyyy-MM-dd} to {Last:yyyy-MM-dd}.");

    /// <summary>The end of a range of days: a day, not before the range's start when both are given.</summary>
    public static IRuleBuilderOptions<T, string?> EndDay<T>(this IRuleBuilder<T, string?> rule, Func<T, string?> start) =>
        rule.Day()
            .Must((r, end) => Parse(end) is not { } last || Parse(start(r)) is not { } first || first <= last)
            .WithMessage("'{PropertyName}' must not be before 'start_date'.");
}
