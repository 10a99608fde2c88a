namespace Ledger.Domain.Analytics;

/// <summary>One consumer of a cohort: what it did in the cohort's billing period.</summary>
public sealed record CohortMember(string EndUserId, long Requests, decimal Spend);

/// <summary>Why a consumer stands out: its spend over the cohort mean, its requests in standard deviations from the cohort mean.</summary>
public sealed record Anomaly(decimal SpendRatio, double RequestZscore, IReadOnlyList<string> Reasons)
{
    public const string HighSpend = "spend_above_5x_cohort_mean";
    public const string HighRequests = "requests_above_3_sd";
}

/// <summary>
/// SPEC §5 anomaly cohorts: a consumer is flagged when its spend is more than 5× the cohort's
/// mean spend, or its request count more than 3 standard deviations above the cohort's mean. The
/// cohort is an organization's consumers active in the current billing period (the caller picks
/// them); each member counts in the statistics it is compared with, and the standard deviation is
/// the cohort's own (population), since the cohort is every active consumer, not a sample. Cohorts
/// of fewer than three are never flagged. So a single consumer can stand out by spend only in a
/// cohort of six or more (its ratio is at most the cohort's size), and by requests only in one of
/// eleven or more (its z-score is at most √(n − 1)). Advisory only: nothing reads it to decide.
/// </summary>
public static class AnomalyCohort
{
    public const int MinimumSize = 3;
    public const decimal SpendRatioLimit = 5m;
    public const double RequestZscoreLimit = 3.0;

    /// <summary>What a member is compared with: the cohort's size, mean spend, and mean and standard deviation of requests.</summary>
    public sealed record Stats(long Count, decimal MeanSpend, double MeanRequests, double RequestDeviation)
    {
        /// <summary>
        /// From the cohort's running sums (what the read model keeps): its size, total spend, total
        /// requests and sum of squared requests. The population variance is Σr²/n − (Σr/n)², in
        /// decimal so that hand-worked boundaries come out exact.
        /// </summary>
        public static Stats FromSums(long count, decimal spend, long requests, decimal requestsSquared)
        {
            if (count == 0) return new Stats(0, 0m, 0.0, 0.0);
            var meanRequests = (decimal)requests / count;
            var variance = Math.Max(requestsSquared / count - meanRequests * meanRequests, 0m);
            return new Stats(count, spend / count, (double)meanRequests, Math.Sqrt((double)variance));
        }
    }

    public static Stats StatsOf(IReadOnlyList<CohortMember> cohort) => Stats.FromSums(cohort.Count, cohort.Sum(m => m.Spend),
        cohort.Sum(m => m.Requests), cohort.Sum(m => (decimal)m.Requests * m.Requests));

    /// <summary>The flagged members, by end user id; members that do not stand out are absent.</summary>
    public static IReadOnlyDictionary<string, Anomaly> Flag(IReadOnlyList<CohortMember> cohort)
    {
        var stats = StatsOf(cohort);
        var flagged = new Dictionary<string, Anomaly>(StringComparer.Ordinal);
        foreach (var member in cohort)
            if (Flag(member, stats) is { } anomaly) flagged[member.EndUserId] = anomaly;
        return flagged;
    }

    /// <summary>Null when the member does not stand out, or the cohort is too small to say.</summary>
    public static Anomaly? Flag(CohortMember member, Stats cohort)
    {
        if (cohort.Count < MinimumSize) return null;
        var ratio = cohort.MeanSpend == 0 ? 0m : member.Spend / cohort.MeanSpend;
        var zscore = cohort.RequestDeviation == 0 ? 0.0 : (member.Requests - cohort.MeanRequests) / cohort.RequestDeviation;
        var reasons = new List<string>(2);
        if (ratio > SpendRatioLimit) reasons.Add(Anomaly.HighSpend);
        if (zscore > RequestZscoreLimit) reasons.Add(Anomaly.HighRequests);
        return reasons.Count > 0 ? new Anomaly(ratio, zscore, reasons) : null;
    }
}
