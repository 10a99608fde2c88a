using Ledger.Bench;

// Every bench runs on a database of its own, made anew (dropped and created) each run: figures
// compare between runs, and repeated runs do not pile up their events. It is named after LEDGER_DB's
// (ledger_bench_http beside ./ledger's ledger_bench), so checkouts sharing a server keep apart.
if (args is ["ingest" or "http" or "admission", ..])
    Environment.SetEnvironmentVariable("LEDGER_DB", await BenchDatabase.FreshAsync($"{new Npgsql.NpgsqlConnectionStringBuilder(BenchArgs.Connection).Database}_{args[0]}"));

return args switch
{
    ["ingest", .. var rest] => await IngestBench.RunAsync(BenchArgs.Parse(rest)),
    ["http", .. var rest] => await HttpIngestBench.RunAsync(BenchArgs.Parse(rest), rest.SkipWhile(a => a != "--format").Skip(1).FirstOrDefault() ?? "native"),
    ["admission", .. var rest] => await AdmissionBench.RunAsync(AdmissionBench.Options.Parse(rest)),
    ["rebuild", .. var rest] => await RebuildBench.RunAsync(rest),
    ["lag", .. var rest] => await LagBench.RunAsync(rest),
    ["reads", .. var rest] => await ReadsBench.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ledger bench ingest|http [--events N] [--consumers N] [--concurrency N] [--format native|litellm|otlp (http)]\n       ledger bench admission [--nodes N | --metrics-ab | --metrics-ba] [--seconds N] [--rate N] [--consumers N] [--concurrency N]\n       ledger bench rebuild [--events N] [--consumers N]\n       ledger bench lag [--rate N] [--seconds N]\n       ledger bench reads [--consumers N] [--events N] [--untimed N] [--reuse]");
    return 2;
}
