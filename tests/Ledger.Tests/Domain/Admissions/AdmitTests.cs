using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;

namespace Ledger.Tests.Domain.Admissions;

/// <summary>The admission decision: window edges, a clock exactly at a boundary, stacking.</summary>
public sealed class AdmitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ScopeState Consumer(Caps caps, ScopeUsage usage) => new(CapScope.Consumer, caps, usage);

    private static ScopeUsage Admitted(params double[] secondsAgo) =>
        ScopeUsage.Nothing with { Admissions = [.. secondsAgo.Select(s => new WindowEntry(Now.AddSeconds(-s), 1))] };

    [Fact]
    public void with_no_caps_everything_is_admitted() =>
        Assert.Null(Admit.Decide([Consumer(Caps.None, Admitted(1, 2, 3) with { LifetimeSpend = 1e6m })], Now));

    [Fact]
    public void the_61st_request_inside_a_minute_of_a_60_rpm_consumer_is_rejected()
    {
        var caps = Caps.None with { RpmLimit = 60 };
        var fiftyNine = Admitted([.. Enumerable.Range(0, 59).Select(i => 59.0 - i)]);
        var sixty = Admitted([.. Enumerable.Range(0, 60).Select(i => 59.5 - i * 0.5)]);

        Assert.Null(Admit.Decide([Consumer(caps, fiftyNine)], Now));
        var hit = Admit.Decide([Consumer(caps, sixty)], Now);

        Assert.Equal(new CapHit(CapScope.Consumer, LimitKind.Rpm, 60, 60, TimeSpan.FromSeconds(0.5)), hit);
    }

    [Fact]
    public void an_admission_exactly_60_seconds_old_has_aged_out()
    {
        var caps = Caps.None with { RpmLimit = 2 };

        Assert.Null(Admit.Decide([Consumer(caps, Admitted(60, 10))], Now));
        Assert.Equal(TimeSpan.FromSeconds(0.001), Admit.Decide([Consumer(caps, Admitted(59.999, 10))], Now)!.RetryAfter);
    }

    [Fact]
    public void retry_after_is_when_enough_admissions_have_aged_out_to_make_room()
    {
        var hit = Admit.Decide([Consumer(Caps.None with { RpmLimit = 2 }, Admitted(50, 40, 30))], Now);

        Assert.Equal(3, hit!.Current);
        Assert.Equal(TimeSpan.FromSeconds(20), hit.RetryAfter); // the one 40 s old must go too
    }

    [Fact]
    public void one_large_request_may_overshoot_the_tpm_and_the_next_one_is_rejected()
    {
        var caps = Caps.None with { TpmLimit = 1000 };
        var under = ScopeUsage.Nothing with { Tokens = [new(Now.AddSeconds(-30), 999)] };
        var over = ScopeUsage.Nothing with { Tokens = [new(Now.AddSeconds(-30), 400), new(Now.AddSeconds(-10), 5000)] };

        Assert.Null(Admit.Decide([Consumer(caps, under)], Now));
        var hit = Admit.Decide([Consumer(caps, over)], Now);

        Assert.Equal(LimitKind.Tpm, hit!.Kind);
        Assert.Equal(5400, hit.Current);
        Assert.Equal(TimeSpan.FromSeconds(50), hit.RetryAfter); // the 5,000 must age out
    }

    [Fact]
    public void tokens_settled_a_minute_ago_no_longer_count()
    {
        var usage = ScopeUsage.Nothing with { Tokens = [new(Now.AddSeconds(-60), 5000)] };

        Assert.Null(Admit.Decide([Consumer(Caps.None with { TpmLimit = 1000 }, usage)], Now));
    }

    [Theory]
    [InlineData(9.99, 0, true)]
    [InlineData(10.00, 0, false)]
    [InlineData(9.00, 1.00, false)]
    [InlineData(8.00, 1.99, true)]
    public void the_lifetime_budget_refuses_once_spend_plus_reservations_reach_it(decimal spend, decimal reserved, bool admitted)
    {
        var usage = ScopeUsage.Nothing with { LifetimeSpend = spend, Reserved = reserved };

        var hit = Admit.Decide([Consumer(Caps.None with { MaxBudget = 10m }, usage)], Now);

        Assert.Equal(admitted, hit is null);
        if (hit is not null) Assert.Equal(new CapHit(CapScope.Consumer, LimitKind.MaxBudget, 10m, spend + reserved, null), hit);
    }

    [Fact]
    public void a_period_budget_counts_only_its_periods_spend()
    {
        var caps = Caps.None with { MaxBudget = 100m, Period = new PeriodCap(5m, BudgetDuration.Daily, null, null) };

        Assert.Null(Admit.Decide([Consumer(caps, ScopeUsage.Nothing with { LifetimeSpend = 50m, PeriodSpend = 4.99m })], Now));
        Assert.Equal(LimitKind.PeriodBudget, Admit.Decide([Consumer(caps, ScopeUsage.Nothing with { LifetimeSpend = 50m, PeriodSpend = 5m })], Now)!.Kind);
    }

    [Fact]
    public void an_explicit_period_applies_only_inside_its_window()
    {
        var usage = ScopeUsage.Nothing with { PeriodSpend = 10m };
        Caps Window(DateTimeOffset start, DateTimeOffset end) => Caps.None with { Period = new PeriodCap(5m, null, start, end) };

        Assert.NotNull(Admit.Decide([Consumer(Window(Now.AddDays(-1), Now.AddDays(1)), usage)], Now));
        Assert.NotNull(Admit.Decide([Consumer(Window(Now, Now.AddDays(1)), usage)], Now));
        Assert.Null(Admit.Decide([Consumer(Window(Now.AddDays(-1), Now), usage)], Now));
        Assert.Null(Admit.Decide([Consumer(Window(Now.AddDays(1), Now.AddDays(2)), usage)], Now));
    }

    public static TheoryData<BudgetDuration, string, string, string> Periods => new()
    {
        { BudgetDuration.Daily, "2026-11-23T23:59:59.999Z", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z" },
        { BudgetDuration.Daily, "2026-11-24T00:00:00Z", "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z" },
        { BudgetDuration.Weekly, "2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z" }, // a Monday
        { BudgetDuration.Weekly, "2026-11-29T23:59:59Z", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z" }, // the Sunday after
        { BudgetDuration.Monthly, "2026-12-31T23:00:00-02:00", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z" }, // already January in UTC
        { BudgetDuration.Monthly, "2028-02-29T12:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z" },
        { BudgetDuration.Yearly, "2026-11-23T12:00:00Z", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(Periods))]
    public void recurring_periods_are_utc_calendar_periods_reset_at_their_boundary(BudgetDuration duration, string at, string start, string end)
    {
        var window = BudgetPeriod.Current(new PeriodCap(1m, duration, null, null), DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture)), window);
    }

    [Fact]
    public void caps_stack_and_the_tightest_names_the_scope_that_bit()
    {
        var usage = Admitted([.. Enumerable.Range(1, 70).Select(i => i * 0.5)]);
        ScopeState[] scopes =
        [
            new(CapScope.Key, Caps.None with { RpmLimit = 1000 }, usage),
            new(CapScope.Team, Caps.None with { RpmLimit = 5000 }, usage),
            new(CapScope.Consumer, Caps.None with { RpmLimit = 60 }, usage),
        ];

        Assert.Equal((CapScope.Consumer, 60m), Admit.Decide(scopes, Now) is { } hit ? (hit.Scope, hit.Limit) : default);
        Assert.Equal((CapScope.Key, 50m), Admit.Decide([scopes[0] with { Caps = Caps.None with { RpmLimit = 50 } }, scopes[1], scopes[2]], Now) is { } h
            ? (h.Scope, h.Limit) : default);
    }

    [Fact]
    public void a_rate_cap_is_reported_before_a_budget_when_both_bite()
    {
        var usage = Admitted(1, 2) with { LifetimeSpend = 20m };
        ScopeState[] scopes =
        [
            new(CapScope.Team, Caps.None with { MaxBudget = 10m }, usage),
            new(CapScope.Consumer, Caps.None with { RpmLimit = 2 }, usage),
        ];

        Assert.Equal(LimitKind.Rpm, Admit.Decide(scopes, Now)!.Kind);
        Assert.Equal(CapScope.Team, Admit.Decide([scopes[0]], Now)!.Scope);
    }
}
