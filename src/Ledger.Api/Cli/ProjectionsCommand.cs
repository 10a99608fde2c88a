using System.Diagnostics;
using Ledger.Api.Storage;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.Rebuilds;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ledger.Api.Cli;

/// <summary>
/// <c>ledger projections status</c>: each async projection's position in the event log and how
/// many events it is behind the newest, read from the database, so it works whether or not an API
/// node is running. <c>ledger projections rebuild NAME...|--all</c>: see <see cref="ProjectionsRebuild"/>.
/// </summary>
public static class ProjectionsCommand
{
    private const string Usage = "usage: ledger projections status\n       ledger projections rebuild NAME... | --all";

    public sealed record Row(string Projection, long Position, long Lag);

    public static async Task<int> RunAsync(string[] args)
    {
        switch (args)
        {
            case ["status"]:
                return await StatusAsync();
            case ["rebuild", .. var names] when names.Length > 0:
                return await RebuildAsync(names);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static async Task<int> RebuildAsync(string[] names)
    {
        await using var store = await CliStore.OpenAsync();
        await using var dataSource = StoreSetup.DataSource(CliStore.ConnectionString());
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        return await RebuildAsync(store, dataSource, names, Console.Out, Console.Error, !Console.IsOutputRedirected, cancel.Token);
    }

    /// <summary>Rebuilds the named async projections (or all of them for <c>--all</c>) one after another; the exit code.</summary>
    public static async Task<int> RebuildAsync(IDocumentStore store, NpgsqlDataSource dataSource, string[] names,
        TextWriter output, TextWriter error, bool interactive, CancellationToken ct)
    {
        IReadOnlyList<string> known = [.. AsyncShards.Names(store), ConsumerRankingRefresh.Name];
        var chosen = names is ["--all"] ? known : names.Distinct().ToList();
        if (chosen.Except(known).ToList() is [_, ..] unknown)
        {
            await error.WriteLineAsync($"ledger projections rebuild: nothing to rebuild is named {string.Join(", ", unknown)}; the names are: {string.Join(", ", known)}");
            return 2;
        }
        foreach (var projection in chosen)
        {
            if (projection == ConsumerRankingRefresh.Name)
            {
                var clock = Stopwatch.StartNew();
                var organizations = await ConsumerRankingRefresh.RunAsync(store, wait: true, all: true, NullLogger.Instance, ct);
                await output.WriteLineAsync($"{projection}: computed the orders of {organizations:N0} organizations from their consumer rows in {clock.Elapsed.TotalSeconds:F1} s");
                continue;
            }
            try
            {
                var outcome = await ProjectionsRebuild.RebuildAsync(store, dataSource, projection, new ProgressBar(output, interactive), output, ct);
                await output.WriteLineAsync($"{projection}: rebuilt up to event {outcome.Position:N0} in {outcome.Elapsed.TotalSeconds:F1} s, {outcome.EventsPerSecond:N0} events/s");
            }
            catch (InvalidOperationException e)
            {
                await error.WriteLineAsync($"ledger projections rebuild: {e.Message}");
                return 1;
            }
        }
        return 0;
    }

    private static async Task<int> StatusAsync()
    {
        await using var store = await CliStore.OpenAsync();

        var (newest, rows) = await StatusAsync(store, CancellationToken.None);
        Console.WriteLine($"newest event: {newest}");
        Console.WriteLine($"{"projection",-20} {"position",12} {"behind",12}");
        foreach (var row in rows) Console.WriteLine($"{row.Projection,-20} {row.Position,12} {row.Lag,12}");
        await using var dataSource = StoreSetup.DataSource(CliStore.ConnectionString());
        Console.WriteLine(RankingLine(await ConsumerRankingRefresh.DueCountAsync(dataSource, CancellationToken.None)));
        foreach (var problem in await ProjectionProblems.ReadAsync(dataSource, CancellationToken.None))
            Console.WriteLine($"{problem.Projection}: {problem.What}");
        return 0;
    }

    /// <summary>The consumer list's orders are computed from the consumer rows, not from the event log: how many organizations' are due.</summary>
    private static string RankingLine(long due) =>
        $"{ConsumerRankingRefresh.Name}: computed from the consumer rows; {due:N0} organization{(due == 1 ? "" : "s")} due";

    /// <summary>The newest event's sequence number, and each async projection's position and lag behind it.</summary>
    public static async Task<(long Newest, IReadOnlyList<Row> Rows)> StatusAsync(IDocumentStore store, CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var newest = await AsyncShards.NewestAsync(store, ct);
        var shards = progress.Where(p => p.ShardName != "HighWaterMark").ToDictionary(p => p.ShardName.Split(':')[0], p => p.Sequence);
        var rows = AsyncShards.Names(store)
            .Select(name => shards.TryGetValue(name, out var position) ? new Row(name, position, newest - position) : new Row(name, 0, newest))
            .ToList();
        return (newest, rows);
    }
}
