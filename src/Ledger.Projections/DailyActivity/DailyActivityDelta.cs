using JasperFx.Events;
using Ledger.Domain.Admissions;
using Ledger.Domain.Usage;

namespace Ledger.Projections.DailyActivity;

/// <summary>What one batch of events adds to the daily activity rows: sums per consumer and day, and per model.</summary>
internal sealed record DailyActivityDelta(
    IReadOnlyList<DailyActivityDelta.Day> Days, IReadOnlyList<DailyActivityDelta.ModelDay> Models)
{
    public sealed record Key(Guid OrganizationId, string EndUserId, DateOnly Day);

    public sealed class Day(Key key)
    {
        public Key Key { get; } = key;
        public long Requests { get; set; }
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public decimal Spend { get; set; }
        public long Successes { get; set; }
        public long Errors { get; set; }
        public long RateRejections { get; set; }
        public long BudgetRejections { get; set; }
    }

    public sealed class ModelDay(Key key, string model)
    {
        public Key Key { get; } = key;
        public string Model { get; } = model;
        public long Requests { get; set; }
        public long TotalTokens { get; set; }
        public decimal Spend { get; set; }
    }

    public static DailyActivityDelta Fold(IReadOnlyList<IEvent> events)
    {
        var days = new Dictionary<Key, Day>();
        var models = new Dictionary<(Key, string), ModelDay>();
        Day DayOf(Key key) => days.TryGetValue(key, out var d) ? d : days[key] = new Day(key);

        foreach (var e in events)
        {
            switch (e.Data)
            {
                case UsageSettled { EndUserId: { } user } u:
                    {
                        var key = new Key(u.OrganizationId, user, DateOnly.FromDateTime(u.OccurredAt.UtcDateTime));
                        var day = DayOf(key);
                        day.Requests++;
                        day.InputTokens += u.InputTokens;
                        day.OutputTokens += u.OutputTokens;
                        day.Spend += u.Cost();
                        if (u.Status is UsageStatus.Success) day.Successes++;
                        else day.Errors++;
                        var model = models.TryGetValue((key, u.Model), out var m) ? m : models[(key, u.Model)] = new ModelDay(key, u.Model);
                        model.Requests++;
                        model.TotalTokens += u.InputTokens + u.OutputTokens;
                        model.Spend += u.Cost();
                        break;
                    }
                case RequestRejected { EndUserId: { } user } r:
                    {
                        var day = DayOf(new Key(r.OrganizationId, user, DateOnly.FromDateTime(r.RejectedAt.UtcDateTime)));
                        if (r.LimitKind is LimitKind.Rpm or LimitKind.Tpm) day.RateRejections++;
                        else day.BudgetRejections++;
                        break;
                    }
            }
        }
        return new DailyActivityDelta([.. days.Values], [.. models.Values]);
    }
}
