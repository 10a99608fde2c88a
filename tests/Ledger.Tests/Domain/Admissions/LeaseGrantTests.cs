using Ledger.Domain.Admissions;

namespace Ledger.Tests.Domain.Admissions;

/// <summary>How much of a scope a node may lease, and what granting and giving back do to the scope's usage.</summary>
public sealed class LeaseGrantTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Term = TimeSpan.FromSeconds(1);
    private static readonly ScopeKey Scope = new(Guid.NewGuid(), CapScope.Consumer, "tenant_acme");

    private static ScopeState State(Caps caps, ScopeUsage? usage = null) => new(CapScope.Consumer, caps, usage ?? ScopeUsage.Nothing);

    [Fact]
    public void a_scope_without_caps_is_leased_without_limits()
    {
        var size = LeaseGrant.Size(State(Caps.None), new(50, 0.5m), Now, Term);

        Assert.Equal((null, null), size);
    }

    [Fact]
    public void a_lease_lasts_one_term_of_the_nodes_recent_demand()
    {
        var size = LeaseGrant.Size(State(Caps.None with { RpmLimit = 10_000, MaxBudget = 100m }), new(40, 0.4m), Now, Term);

        Assert.Equal((40L, 0.4m), size);
    }

    [Fact]
    public void near_its_rpm_a_scope_is_not_leased_so_the_database_decides_every_request_exactly()
    {
        // 40 slots wanted; the window holds 850 of 1,000: 150 free is under four leases' worth.
        var usage = ScopeUsage.Nothing with { Admissions = [new WindowEntry(Now.AddSeconds(-10), 850)] };

        Assert.Null(LeaseGrant.Size(State(Caps.None with { RpmLimit = 1_000 }, usage), new(40, 0m), Now, Term));
        Assert.NotNull(LeaseGrant.Size(State(Caps.None with { RpmLimit = 1_200 }, usage), new(40, 0m), Now, Term));
    }

    [Fact]
    public void near_its_budget_a_scope_is_not_leased_counting_spend_and_open_reservations()
    {
        var usage = ScopeUsage.Nothing with { LifetimeSpend = 9m, Reserved = 0.5m };

        // 0.4 wanted, 0.5 left of the lifetime budget: under four leases' worth.
        Assert.Null(LeaseGrant.Size(State(Caps.None with { MaxBudget = 10m }, usage), new(40, 0.4m), Now, Term));
        // A monthly budget with 0.5 left refuses the lease as well, whatever the lifetime budget leaves.
        var monthly = new PeriodCap(10m, Ledger.Domain.Consumers.BudgetDuration.Monthly, null, null);
        Assert.Null(LeaseGrant.Size(State(Caps.None with { MaxBudget = 1_000m, Period = monthly }, usage with { PeriodSpend = 9m }),
            new(40, 0.4m), Now, Term));
    }

    [Fact]
    public void a_scope_a_cap_refuses_now_is_not_leased()
    {
        var usage = ScopeUsage.Nothing with { Tokens = [new WindowEntry(Now.AddSeconds(-5), 5_000)] };

        Assert.Null(LeaseGrant.Size(State(Caps.None with { TpmLimit = 5_000 }, usage), new(1, 0m), Now, Term));
    }

    [Fact]
    public void granted_slots_count_in_the_window_from_the_grant_until_a_minute_after_the_lease_ends()
    {
        var end = Now + Term;
        var usage = LeaseGrant.Granting(ScopeUsage.Nothing, 60, 0.6m, end);

        Assert.Equal(60, SlidingWindow.Sum(usage.Admissions, Now));
        Assert.Equal(60, SlidingWindow.Sum(usage.Admissions, end.AddSeconds(59.9)));
        Assert.Equal(0, SlidingWindow.Sum(usage.Admissions, end.AddSeconds(60)));
        Assert.Equal(0.6m, usage.Reserved);
    }

    [Fact]
    public void admissions_made_during_a_lease_stay_in_time_order_before_its_slots()
    {
        var usage = LeaseGrant.Granting(ScopeUsage.Nothing, 60, null, Now + Term).Admitting(Now.AddMilliseconds(10), 0m);

        Assert.Equal([Now.AddMilliseconds(10), Now + Term], usage.Admissions.Select(e => e.At));
    }

    [Fact]
    public void giving_back_takes_the_unspent_slots_and_headroom_out_again()
    {
        var end = Now + Term;
        var granted = LeaseGrant.Granting(ScopeUsage.Nothing with { Reserved = 1m }, 60, 0.6m, end).Admitting(Now, 0.1m);

        var back = LeaseGrant.Returning(granted, slots: 45, headroom: 0.45m, end);

        // 15 spent from the lease stay counted (at the lease's end), with the admission made outside it.
        Assert.Equal(16, SlidingWindow.Sum(back.Admissions, Now));
        Assert.Equal(1m + 0.1m + 0.15m, back.Reserved);
    }

    [Fact]
    public void a_lease_covers_requests_until_its_slots_or_headroom_run_out_or_it_ends()
    {
        var lease = new ScopeLease(Guid.NewGuid(), Scope, 2, 0.25m, 2, 0.25m, Now + Term, Now + Term);

        Assert.True(lease.Covers(0.1m, Now));
        var once = lease.Spending(0.1m);
        Assert.True(once.Covers(0.1m, Now));
        Assert.False(once.Covers(0.2m, Now)); // more than the headroom left: the database decides it
        Assert.False(once.Spending(0.1m).Covers(0m, Now)); // no slot left
        Assert.False(lease.Covers(0m, Now + Term));
    }

    [Fact]
    public void a_lease_is_renewed_once_half_its_term_or_half_of_its_quota_is_gone()
    {
        var lease = new ScopeLease(Guid.NewGuid(), Scope, 10, 1m, 10, 1m, Now + Term, Now + Term);

        Assert.False(lease.Waning(Now, Term));
        Assert.True(lease.Waning(Now + Term / 2, Term));
        Assert.True((lease with { Slots = 4 }).Waning(Now, Term)); // demand outgrew the size it was granted for
        Assert.True((lease with { Headroom = 0.4m }).Waning(Now, Term));
        Assert.False(new ScopeLease(Guid.NewGuid(), Scope, null, null, null, null, Now + Term, Now + Term).Waning(Now, Term));
    }
}
