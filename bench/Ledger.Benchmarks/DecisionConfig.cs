using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Ledger.Benchmarks;

/// <summary>
/// Every measurement is one call (invocation count 1), so the percentiles are those of single
/// decisions, not of averages over many; thousands of iterations give the tail, outliers
/// included. Tiered compilation is off in this project, so every call runs optimized code, as it
/// does in a server that has been running for a second. In process: the
/// benchmark needs no project generated and built per run.
/// </summary>
public sealed class DecisionConfig : ManualConfig
{
    public DecisionConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithInvocationCount(1).WithUnrollFactor(1)
            .WithWarmupCount(1_000).WithIterationCount(10_000)
            // The tail is the point: garbage collections and all stay in.
            .WithOutlierMode(Perfolizer.Mathematics.OutlierDetection.OutlierMode.DontRemove)
            // No forced full collection between iterations: it would leave every measured call with cold caches,
            // which a decision in a running writer lane does not have. Collections the calls cause still count.
            .WithGcForce(false)
            .WithId("single-call"));
        AddColumn(StatisticColumn.Mean, StatisticColumn.P50, StatisticColumn.P95, new P99Column(), StatisticColumn.Max);
        AddDiagnoser(MemoryDiagnoser.Default);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }

    /// <summary>BenchmarkDotNet has columns up to P95; the admission target is stated at the 99th percentile.</summary>
    public sealed class P99Column : IColumn
    {
        public string Id => "P99";
        public string ColumnName => "P99";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Statistics;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Time;
        public string Legend => "99th percentile of single calls";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            Of(summary[benchmarkCase]) is { } ns ? $"{ns / 1000:N2} μs" : "NA";

        /// <summary>Nanoseconds, or null when the benchmark produced no result.</summary>
        public static double? Of(BenchmarkReport? report) => report?.ResultStatistics?.Percentiles.Percentile(99);
    }
}
