using Ledger.Bench;

return args switch
{
    ["ingest", .. var rest] => await IngestBench.RunAsync(BenchArgs.Parse(rest)),
    ["http", .. var rest] => await HttpIngestBench.RunAsync(BenchArgs.Parse(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ledger bench ingest|http [--events N] [--consumers N] [--concurrency N]");
    return 2;
}
