using System.Globalization;
using FluentValidation;

namespace Ledger.Api.Consumers.Activity;

/// <summary>
/// Query string of <c>GET /api/consumers/{end_user_id}/activity</c>: <c>organization_id</c>, and
/// <c>start_date</c>/<c>end_date</c> as UTC days (YYYY-MM-DD, both included; by default the 30
/// days ending today).
/// </summary>
public sealed record ActivityRequest(string? OrganizationId, string? StartDate, string? EndDate)
{
    public const int MaxDays = 366;
    public const int DefaultDays = 30;

    public static ValueTask<ActivityRequest> BindAsync(HttpContext context)
    {
        var q = context.Request.Query;
        return ValueTask.FromResult(new ActivityRequest(q["organization_id"], Empty(q["start_date"]), Empty(q["end_date"])));
    }

    public static DateOnly? Day(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>The days asked for, the defaults filled in; only for a request the validator accepted.</summary>
    public (DateOnly First, DateOnly Last) Range(DateOnly today)
    {
        var last = Day(EndDate) ?? (Day(StartDate) is { } start ? Min(start.AddDays(DefaultDays - 1), today) : today);
        return (Day(StartDate) ?? last.AddDays(-(DefaultDays - 1)), last);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

public sealed class ActivityRequestValidator : AbstractValidator<ActivityRequest>
{
    public ActivityRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.StartDate).Must(d => ActivityRequest.Day(d) is not null).When(r => r.StartDate is not null)
            .WithMessage("'start_date' must be a date as YYYY-MM-DD.");
        RuleFor(r => r.EndDate).Must(d => ActivityRequest.Day(d) is not null).When(r => r.EndDate is not null)
            .WithMessage("'end_date' must be a date as YYYY-MM-DD.");
        RuleFor(r => r.EndDate)
            .Must((r, _) => ActivityRequest.Day(r.EndDate) >= ActivityRequest.Day(r.StartDate))
            .When(r => ActivityRequest.Day(r.StartDate) is not null && ActivityRequest.Day(r.EndDate) is not null)
            .WithMessage("'end_date' must not be before 'start_date'.");
        RuleFor(r => r.EndDate)
            .Must((r, _) => ActivityRequest.Day(r.EndDate)!.Value.DayNumber - ActivityRequest.Day(r.StartDate)!.Value.DayNumber < ActivityRequest.MaxDays)
            .When(r => ActivityRequest.Day(r.StartDate) is not null && ActivityRequest.Day(r.EndDate) is not null)
            .WithMessage($"A range may span at most {ActivityRequest.MaxDays} days.");
    }
}
