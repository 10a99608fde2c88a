using Ledger.Domain.Admissions;
using Ledger.Domain.Alerts;
using Ledger.Domain.Consumers;

namespace Ledger.Tests.Domain.Alerts;

public sealed class BudgetThresholdsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 16, 0, 0, TimeSpan.Zero);

    private static ScopeUsage Spent(decimal lifetime, decimal period = 0m) => ScopeUsage.Nothing with { LifetimeSpend = lifetime, PeriodSpend = period };

    [Theory]
    [InlineData(0.49, new int[0])]
    [InlineData(0.50, new[] { 50 })]
    [InlineData(0.79, new[] { 50 })]
    [InlineData(0.80, new[] { 50, 80 })]
    [InlineData(1.00, new[] { 50, 80, 100 })]
    [InlineData(7.00, new[] { 50, 80, 100 })]
    public void a_lifetime_budget_is_reached_at_each_share_from_its_exact_amount(decimal spend, int[] percents)
    {
        var reached = BudgetThresholds.Reached(Caps.None with { MaxBudget = 1.00m }, Spent(spend), Now);
        Assert.Equal(percents, reached.Select(r => r.Percent));
        Assert.All(reached, r => Assert.Equal((BudgetThresholds.MaxBudget, BudgetThresholds.Lifetime, 1.00m, spend), (r.Cap, r.Period, r.Limit, r.Current)));
    }

    [Fact]
    public void a_period_budget_names_its_current_period_so_the_next_one_fires_again()
    {
        var caps = Caps.None with { Period = new PeriodCap(10m, BudgetDuration.Monthly, null, null) };
        var december = Assert.Single(BudgetThresholds.Reached(caps, Spent(100m, period: 6m), Now));
        var january = Assert.Single(BudgetThresholds.Reached(caps, Spent(100m, period: 6m), Now.AddMonths(1)));

        Assert.Equal((BudgetThresholds.PeriodBudget, 50), (december.Cap, december.Percent));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), december.PeriodStart);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), december.PeriodEnd);
        Assert.NotEqual(december.Period, january.Period);
    }

    [Fact]
    public void no_budget_or_a_zero_one_reaches_nothing()
    {
        Assert.Empty(BudgetThresholds.Reached(Caps.None, Spent(5m), Now));
        Assert.Empty(BudgetThresholds.Reached(Caps.None with { MaxBudget = 0m }, Spent(5m), Now));
    }
}
