using BenchmarkDotNet.Attributes;
using Ledger.Domain.Admissions;

namespace Ledger.Benchmarks;

/// <summary>
/// The in-process admission decision, with nothing cheap about its input: a request's three
/// scopes (consumer, key, team) each have every cap set (rpm, tpm, lifetime budget and, for the
/// consumer, a monthly budget), a full rpm window at its compacted size and a full minute of
/// settled tokens, and no cap is hit, so every cap of every scope is evaluated.
/// </summary>
[Config(typeof(DecisionConfig))]
public class AdmissionDecisionBenchmarks
{
    private static readonly Guid Organization = Guid.CreateVersion7();
    private readonly DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private ScopeState[] _scopes = [];
    private Dictionary<ScopeKey, ScopeState> _states = [];
    private AdmissionRequest[] _group = [];

    /// <summary>Requests in a group decided together (<see cref="DecideGroupOf32"/>), as a busy writer lane takes them.</summary>
    private const int GroupSize = 32;

    [GlobalSetup]
    public void Setup()
    {
        var admissions = Enumerable.Range(0, SlidingWindow.MaxEntries)
            .Select(i => new WindowEntry(_now.AddSeconds(-59).AddMilliseconds(i * 450), 3)).ToList();
        var tokens = Enumerable.Range(0, 60).Select(i => new WindowEntry(_now.AddSeconds(i - 59), 1_500)).ToList();
        var usage = new ScopeUsage(admissions, tokens, LifetimeSpend: 12.5m, PeriodSpend: 3.25m, Reserved: 0.4m);
        var monthly = new PeriodCap(100m, Domain.Consumers.BudgetDuration.Monthly, null, null);
        ScopeState State(CapScope scope, PeriodCap? period) => new(scope, new Caps(100_000, 10_000_000, 1_000m, period), usage);

        _scopes = [State(CapScope.Consumer, monthly), State(CapScope.Key, null), State(CapScope.Team, null)];
        _group = [.. Enumerable.Range(0, GroupSize).Select(i =>
            new AdmissionRequest(Organization, $"req-{i}", $"key_{i % 4}", "team_a", $"user_{i % 16}", "gpt-4o", 500, 0.0001m))];
        _states = _group.SelectMany(r => r.Scopes()).Distinct()
            .ToDictionary(s => s, s => _scopes[(int)s.Scope]);
    }

    /// <summary>
    /// The floor of measuring one call on this machine (timer reads, scheduling, interrupts): a call
    /// that does nothing, measured the same way in the same run.
    /// </summary>
    [Benchmark]
    public long NothingBaseline() => _now.UtcTicks;

    /// <summary>One request against its three scopes.</summary>
    [Benchmark]
    public CapHit? DecideOne() => Admit.Decide(_scopes, _now);

    /// <summary>A group of 32 requests over 16 consumers, 4 keys and one team, each counting against the next.</summary>
    [Benchmark]
    public AdmissionBatch.Result DecideGroupOf32() =>
        AdmissionBatch.Decide(_group, _states, _now, TimeSpan.FromMinutes(10), Guid.CreateVersion7);
}
