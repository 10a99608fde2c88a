namespace Ledger.Bench;

public sealed record BenchArgs(int Events, int Consumers, int Concurrency, int BatchSize)
{
    public static BenchArgs Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
        return new BenchArgs(Get("--events", 200_000), Get("--consumers", 5_000), Get("--concurrency", 16), Get("--batch", 500));
    }

    public static string Connection =>
        Environment.GetEnvironmentVariable("LEDGER_DB") ?? throw new InvalidOperationException("Run through ./ledger bench, which sets LEDGER_DB.");

    public static string Machine => $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
}
