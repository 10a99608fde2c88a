using Ledger.Domain.Consumers;
using Ledger.Domain.Consumers.Overriding;
using Ledger.Domain.Consumers.Registering;
using Ledger.Domain.Consumers.Retiring;
using Ledger.Domain.Consumers.Tagging;
using Ledger.Domain.Decisions;

namespace Ledger.Tests.Domain.Consumers;

/// <summary>The consumer decisions, as pure functions of (state, command, now).</summary>
public sealed class ConsumerDecisionsTests
{
    private static readonly Guid Org = Guid.CreateVersion7();
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly ConsumerRegistered Registration = new(Org, "tenant_acme", RegistrationSource.FirstTraffic, null, Now);

    private static Consumer Registered(params object[] later) => Consumer.Fold([Registration, .. later])!;

    [Fact]
    public void pre_registering_a_new_consumer_registers_it_and_sets_its_caps()
    {
        var decision = RegisterConsumer.Decide(null, Org, "tenant_acme", RegistrationSource.PreRegistration,
            new RegistrationCaps(25m, 60, null, "pro"), "alice", Now);

        Assert.Collection(decision.Events,
            e => Assert.Equal(new ConsumerRegistered(Org, "tenant_acme", RegistrationSource.PreRegistration, "alice", Now), e),
            e => Assert.Equal(ConsumerLimits.None with { MaxBudget = 25m, RpmLimit = 60, Notes = "pro" }, Assert.IsType<OverrideChanged>(e).After));
    }

    [Fact]
    public void pre_registering_without_caps_only_registers()
    {
        var decision = RegisterConsumer.Decide(null, Org, "tenant_acme", RegistrationSource.BulkImport, new(null, null, null, null), "alice", Now);

        Assert.IsType<ConsumerRegistered>(Assert.Single(decision.Events));
    }

    [Fact]
    public void pre_registering_an_existing_consumer_changes_only_its_caps_and_keeps_its_period_budget()
    {
        var period = ConsumerLimits.None with { BudgetDuration = BudgetDuration.Monthly, PeriodBudget = 5m, RpmLimit = 10 };
        var consumer = Registered(new OverrideChanged(Org, "tenant_acme", ConsumerLimits.None, period, "alice", Now));

        var decision = RegisterConsumer.Decide(consumer, Org, "tenant_acme", RegistrationSource.PreRegistration, new(null, 60, null, null), "bob", Now);

        var change = Assert.IsType<OverrideChanged>(Assert.Single(decision.Events));
        Assert.Equal(period, change.Before);
        Assert.Equal(period with { RpmLimit = 60 }, change.After);
        Assert.Equal("bob", change.Actor);
    }

    [Fact]
    public void pre_registering_with_the_caps_it_has_changes_nothing() =>
        Assert.Empty(RegisterConsumer.Decide(Registered(), Org, "tenant_acme", RegistrationSource.PreRegistration, new(null, null, null, null), "a", Now).Events);

    [Fact]
    public void a_retired_consumer_is_registered_again_from_no_caps()
    {
        var consumer = Registered(
            new OverrideChanged(Org, "tenant_acme", ConsumerLimits.None, ConsumerLimits.None with { RpmLimit = 5 }, "a", Now),
            new ConsumerRetired(Org, "tenant_acme", "a", Now));

        var decision = RegisterConsumer.Decide(consumer, Org, "tenant_acme", RegistrationSource.PreRegistration, new(null, 60, null, null), "a", Now);

        Assert.IsType<ConsumerRegistered>(decision.Events[0]);
        Assert.Equal(ConsumerLimits.None, Assert.IsType<OverrideChanged>(decision.Events[1]).Before);
    }

    [Fact]
    public void an_override_records_the_whole_before_and_after_and_an_unchanged_one_records_nothing()
    {
        var first = ConsumerLimits.None with { RpmLimit = 60, Notes = "pro" };
        var consumer = Registered(new OverrideChanged(Org, "tenant_acme", ConsumerLimits.None, first, "a", Now));

        var change = Assert.IsType<OverrideChanged>(Assert.Single(ChangeOverride.Decide(consumer, first with { RpmLimit = 120 }, "b", Now).Events));
        Assert.Equal(first, change.Before);
        Assert.Equal(first with { RpmLimit = 120 }, change.After);
        Assert.Same(Decision.Nothing, ChangeOverride.Decide(consumer, first, "b", Now));
    }

    [Fact]
    public void overriding_tagging_or_retiring_a_missing_or_retired_consumer_is_not_found()
    {
        var retired = Registered(new ConsumerRetired(Org, "tenant_acme", "a", Now));
        foreach (var consumer in new[] { null, retired })
        {
            Assert.Equal(RefusalKind.NotFound, ChangeOverride.Decide(consumer, ConsumerLimits.None, "a", Now).Refusal?.Kind);
            Assert.Equal(RefusalKind.NotFound, TagConsumer.Add(consumer, "x", Guid.NewGuid(), "a", Now).Refusal?.Kind);
            Assert.Equal(RefusalKind.NotFound, RetireConsumer.Decide(consumer, "a", Now).Refusal?.Kind);
        }
    }

    [Fact]
    public void a_tag_is_added_once_and_removed_by_its_id()
    {
        var id = Guid.NewGuid();
        var added = Assert.IsType<TagAdded>(Assert.Single(TagConsumer.Add(Registered(), "plan:pro", id, "a", Now).Events));
        var tagged = Registered(added);

        Assert.Empty(TagConsumer.Add(tagged, "plan:pro", Guid.NewGuid(), "b", Now).Events);
        Assert.Single(TagConsumer.Add(tagged, "PLAN:PRO", Guid.NewGuid(), "b", Now).Events);
        var removed = Assert.IsType<TagRemoved>(Assert.Single(TagConsumer.Remove(tagged, id, "b", Now).Events));
        Assert.Equal("plan:pro", removed.Tag);
        Assert.Empty(Registered(added, removed).Tags);
        Assert.Equal(RefusalKind.NotFound, TagConsumer.Remove(Registered(added, removed), id, "b", Now).Refusal?.Kind);
    }

    [Fact]
    public void retiring_drops_the_override_but_keeps_the_tags()
    {
        object[] history =
        [
            new OverrideChanged(Org, "tenant_acme", ConsumerLimits.None, ConsumerLimits.None with { RpmLimit = 5 }, "a", Now),
            new TagAdded(Org, "tenant_acme", Guid.NewGuid(), "vip", "a", Now),
        ];
        var consumer = Registered(history);

        var retired = Registered([.. history, Assert.IsType<ConsumerRetired>(Assert.Single(RetireConsumer.Decide(consumer, "a", Now).Events))]);

        Assert.True(retired.Retired);
        Assert.True(retired.Limits.SetsNothing());
        Assert.Single(retired.Tags);
    }
}
