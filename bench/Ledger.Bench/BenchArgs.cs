namespace Ledger.Bench;

public sealed record BenchArgs(int Events, int Consumers, int Concurrency, int BatchSize)
{
    public static BenchArgs Parse(string[] args) =>
        new(Get(args, "--events", 200_000), Get(args, "--consumers", 5_000), Get(args, "--concurrency", 16), Get(args, "--batch", 500));

    /// <summary>The whole number after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    public static int Get(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

    public static string Connection =>
        Environment.GetEnvironmentVariable("LEDGER_DB") ?? throw new InvalidOperationException("Run through ./ledger bench, which sets LEDGER_DB.");

    public static string Machine => $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
}
