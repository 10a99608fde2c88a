using FluentValidation;
using Ledger.Api.Validation;

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

    /// <summary>The days asked for, the defaults filled in; only for a request the validator accepted.</summary>
    public (DateOnly First, DateOnly Last) Range(DateOnly today)
    {
        var last = DayRules.Parse(EndDate) ?? (DayRules.Parse(StartDate) is { } start ? Min(start.AddDays(DefaultDays - 1), today) : today);
        return (DayRules.Parse(StartDate) ?? last.AddDays(-(DefaultDays - 1)), last);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

public sealed class ActivityRequestValidator : AbstractValidator<ActivityRequest>
{
    public ActivityRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.StartDate).Day();
        RuleFor(r => r.EndDate).EndDay(r => r.StartDate);
        RuleFor(r => r.StartDate)
            .Must(start => DayRules.Parse(start) <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            .When(r => DayRules.Parse(r.StartDate) is not null && r.EndDate is null)
            .WithMessage("'start_date' must not be after today when no 'end_date' is given.");
        RuleFor(r => r.EndDate)
            .Must((r, _) => DayRules.Parse(r.EndDate)!.Value.DayNumber - DayRules.Parse(r.StartDate)!.Value.DayNumber < ActivityRequest.MaxDays)
            .When(r => DayRules.Parse(r.StartDate) is not null && DayRules.Parse(r.EndDate) is not null)
            .WithMessage($"A range may span at most {ActivityRequest.MaxDays} days.");
    }
}
