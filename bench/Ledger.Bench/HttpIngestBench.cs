namespace Ledger.Bench;

public static class HttpIngestBench
{
    public static Task<int> RunAsync(BenchArgs args) => throw new NotImplementedException();
}
