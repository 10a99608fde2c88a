using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;

namespace Ledger.Tests.Domain.Admissions;

/// <summary>A group decided in one transaction behaves as if each request had arrived alone, in order.</summary>
public sealed class AdmissionBatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Org = Guid.NewGuid();

    private static AdmissionRequest Request(int i, string? user = "tenant_acme", decimal cost = 0m) =>
        new(Org, $"req-{i}", "key_prod_1", null, user, "gpt-4o", null, cost);

    private static Dictionary<ScopeKey, ScopeState> States(Caps consumer, Caps key) => new()
    {
        [new ScopeKey(Org, CapScope.Consumer, "tenant_acme")] = new(CapScope.Consumer, consumer, ScopeUsage.Nothing),
        [new ScopeKey(Org, CapScope.Consumer, "tenant_other")] = new(CapScope.Consumer, consumer, ScopeUsage.Nothing),
        [new ScopeKey(Org, CapScope.Key, "key_prod_1")] = new(CapScope.Key, key, ScopeUsage.Nothing),
    };

    [Fact]
    public void each_admission_counts_against_the_requests_after_it_in_the_same_group()
    {
        var requests = Enumerable.Range(0, 8).Select(i => Request(i)).ToList();

        var result = AdmissionBatch.Decide(requests, States(Caps.None with { RpmLimit = 5 }, Caps.None), Now, TimeSpan.FromMinutes(10), Guid.NewGuid);

        Assert.Equal([true, true, true, true, true, false, false, false], result.Outcomes.Select(o => o is AdmissionOutcome.Admitted));
        Assert.Equal(5, result.Events.OfType<RequestAdmitted>().Count());
        Assert.Equal(3, result.Events.OfType<RequestRejected>().Count());
        Assert.Equal(5, result.States[new ScopeKey(Org, CapScope.Key, "key_prod_1")].Usage.Admissions.Sum(a => a.Amount));
    }

    [Fact]
    public void a_rejected_request_reserves_nothing_on_any_scope()
    {
        // The key's budget refuses the third request; the consumer must not hold its estimate either.
        var requests = Enumerable.Range(0, 3).Select(i => Request(i, cost: 0.5m)).ToList();

        var result = AdmissionBatch.Decide(requests, States(Caps.None, Caps.None with { MaxBudget = 1m }), Now, TimeSpan.FromMinutes(10), Guid.NewGuid);

        var rejected = Assert.IsType<AdmissionOutcome.Rejected>(result.Outcomes[2]);
        Assert.Equal(new CapHit(CapScope.Key, LimitKind.MaxBudget, 1m, 1m, null), rejected.Hit);
        Assert.Equal(1m, result.States[new ScopeKey(Org, CapScope.Consumer, "tenant_acme")].Usage.Reserved);
    }

    [Fact]
    public void a_reservation_expires_after_the_configured_lifetime()
    {
        var result = AdmissionBatch.Decide([Request(0)], States(Caps.None, Caps.None), Now, TimeSpan.FromMinutes(3), Guid.NewGuid);

        var admitted = Assert.IsType<AdmissionOutcome.Admitted>(result.Outcomes[0]);
        Assert.Equal(Now.AddMinutes(3), admitted.ExpiresAt);
        Assert.Equal(Now.AddMinutes(3), Assert.IsType<RequestAdmitted>(result.Events[0]).ExpiresAt);
    }

    [Fact]
    public void consumers_default_caps_fill_in_each_kind_their_own_override_leaves_open()
    {
        var own = ConsumerLimits.None with { RpmLimit = 100, Notes = "vip" };
        var defaults = ConsumerLimits.None with { RpmLimit = 1, MaxBudget = 5m, BudgetDuration = BudgetDuration.Monthly, PeriodBudget = 2m };

        Assert.Equal(new Caps(100, null, 5m, new PeriodCap(2m, BudgetDuration.Monthly, null, null)), ConsumerCaps.Of(own, defaults));
        Assert.Equal(new Caps(1, null, 5m, new PeriodCap(2m, BudgetDuration.Monthly, null, null)), ConsumerCaps.Of(ConsumerLimits.None, defaults));
    }
}
