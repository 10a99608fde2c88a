using Ledger.Domain.Analytics;

namespace Ledger.Tests.Domain.Analytics;

/// <summary>The cohort statistics on numbers worked out by hand.</summary>
public sealed class AnomalyCohortTests
{
    private static CohortMember[] Cohort(params (long Requests, decimal Spend)[] members) =>
        [.. members.Select((m, i) => new CohortMember($"c{i}", m.Requests, m.Spend))];

    [Fact]
    public void a_spender_of_more_than_five_times_the_cohort_mean_is_flagged_with_its_ratio()
    {
        // Spend 1, 1, 1, 1, 1, 30: mean 35/6 = 5.8333…, and 30 / 5.8333… = 36/7 = 5.142857…
        var flagged = AnomalyCohort.Flag(Cohort((10, 1m), (10, 1m), (10, 1m), (10, 1m), (10, 1m), (10, 30m)));

        var anomaly = Assert.Single(flagged).Value;
        Assert.Equal("c5", Assert.Single(flagged).Key);
        Assert.Equal(5.142857m, Math.Round(anomaly.SpendRatio, 6));
        Assert.Equal(0.0, anomaly.RequestZscore); // every member made 10 requests: no deviation
        Assert.Equal([Anomaly.HighSpend], anomaly.Reasons);
    }

    [Fact]
    public void exactly_five_times_the_mean_is_not_more_than_five_times()
    {
        // Spend 0, 0, 0, 0, 0, 0, 0, 0, 0, 10: mean 1, so 10 is 10×; 0, 0, 0, 0, 5: mean 1, so 5 is exactly 5×.
        Assert.NotEmpty(AnomalyCohort.Flag(Cohort((1, 0m), (1, 0m), (1, 0m), (1, 0m), (1, 0m), (1, 0m), (1, 0m), (1, 0m), (1, 0m), (1, 10m))));
        Assert.Empty(AnomalyCohort.Flag(Cohort((1, 0m), (1, 0m), (1, 0m), (1, 0m), (1, 5m))));
    }

    [Fact]
    public void requests_more_than_three_standard_deviations_above_the_mean_are_flagged_with_the_zscore()
    {
        // Ten members at 10 requests and one at 120: mean 220/11 = 20; deviations −10 (×10) and 100;
        // variance (10·100 + 10,000)/11 = 1,000; σ = 31.6227…; z = 100/31.6227… = √10 = 3.16227…
        var members = Enumerable.Repeat((10L, 1m), 10).Append((120L, 1m)).ToArray();

        var (id, anomaly) = Assert.Single(AnomalyCohort.Flag(Cohort(members)));

        Assert.Equal("c10", id);
        Assert.Equal(Math.Sqrt(10), anomaly.RequestZscore, 9);
        Assert.Equal(1m, anomaly.SpendRatio);
        Assert.Equal([Anomaly.HighRequests], anomaly.Reasons);
    }

    [Fact]
    public void exactly_three_standard_deviations_is_not_more_than_three()
    {
        // Nine members at 10 requests and one at 100: mean 19; variance (9·81 + 6,561)/10 = 729; σ = 27; z = 81/27 = 3.
        var members = Enumerable.Repeat((10L, 1m), 9).Append((100L, 1m)).ToArray();

        Assert.Empty(AnomalyCohort.Flag(Cohort(members)));
    }

    [Fact]
    public void a_consumer_can_stand_out_on_both_counts()
    {
        var members = Enumerable.Repeat((10L, 1m), 10).Append((120L, 100m)).ToArray();

        var anomaly = Assert.Single(AnomalyCohort.Flag(Cohort(members))).Value;

        // Spend mean (10 + 100)/11 = 10; 100 is 10×.
        Assert.Equal(10m, anomaly.SpendRatio);
        Assert.Equal([Anomaly.HighSpend, Anomaly.HighRequests], anomaly.Reasons);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void cohorts_of_fewer_than_three_are_never_flagged(int size)
    {
        var members = Enumerable.Range(0, size).Select(i => (i == 0 ? 10_000L : 1L, i == 0 ? 10_000m : 0m)).ToArray();

        Assert.Empty(AnomalyCohort.Flag(Cohort(members)));
    }

    [Fact]
    public void a_cohort_that_spent_nothing_flags_no_one_for_spend()
    {
        Assert.Empty(AnomalyCohort.Flag(Cohort((5, 0m), (5, 0m), (5, 0m), (5, 0m), (5, 0m), (5, 0m))));
    }
}
