using Ledger.Domain.Consumers;

namespace Ledger.Domain.Admissions;

/// <summary>The UTC window a period budget counts spend in at a given moment.</summary>
public static class BudgetPeriod
{
    /// <summary>[start, end) containing <paramref name="now"/>, or null when an explicit window does not contain it.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End)? Current(PeriodCap period, DateTimeOffset now)
    {
        if (period.Duration is not { } duration)
            return period.Start is { } s && period.End is { } e && now >= s && now < e ? (s, e) : null;
        var utc = now.ToUniversalTime();
        var day = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
        return duration switch
        {
            BudgetDuration.Daily => (day, day.AddDays(1)),
            // ISO weeks: Monday 00:00 UTC.
            BudgetDuration.Weekly => (day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), day.AddDays(7 - (((int)day.DayOfWeek + 6) % 7))),
            BudgetDuration.Monthly => (new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1)),
            BudgetDuration.Yearly => (new DateTimeOffset(utc.Year, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(utc.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            _ => throw new ArgumentOutOfRangeException(nameof(period), duration, null),
        };
    }
}
