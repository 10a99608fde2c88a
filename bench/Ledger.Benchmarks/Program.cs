using BenchmarkDotNet.Running;
using Ledger.Benchmarks;

// `ledger bench decision`: the in-process admission decision under BenchmarkDotNet. The last
// line reads `decision: p99 X µs (one request), Y µs (a group of 32); measuring nothing: Z µs`.
var summary = BenchmarkRunner.Run<AdmissionDecisionBenchmarks>(args: args);
double? P99(string method) => DecisionConfig.P99Column.Of(summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method));
if (P99(nameof(AdmissionDecisionBenchmarks.DecideOne)) is not { } one || P99(nameof(AdmissionDecisionBenchmarks.DecideGroupOf32)) is not { } group
    || P99(nameof(AdmissionDecisionBenchmarks.NothingBaseline)) is not { } nothing)
{
    Console.Error.WriteLine("decision: the benchmark produced no result");
    return 1;
}
Console.WriteLine($"decision: p99 {one / 1000:F2} µs (one request), {group / 1000:F2} µs (a group of 32); measuring nothing: {nothing / 1000:F2} µs");
return 0;
