using Marten;

namespace Ledger.Api.Cli;

/// <summary>
/// <c>ledger projections status</c>: each async projection's position in the event log and how
/// many events it is behind the newest, read from the database, so it works whether or not an API
/// node is running. Rebuilding from the command line is not there yet (see docs/operations.md).
/// </summary>
public static class ProjectionsCommand
{
    private const string Usage = "usage: ledger projections status";

    public sealed record Row(string Projection, long Position, long Lag);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["status"])
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        await using var store = await CliStore.OpenAsync();

        var (newest, rows) = await StatusAsync(store, CancellationToken.None);
        Console.WriteLine($"newest event: {newest}");
        Console.WriteLine($"{"projection",-20} {"position",12} {"behind",12}");
        foreach (var row in rows) Console.WriteLine($"{row.Projection,-20} {row.Position,12} {row.Lag,12}");
        return 0;
    }

    /// <summary>The newest event's sequence number, and each async projection's position and lag behind it.</summary>
    public static async Task<(long Newest, IReadOnlyList<Row> Rows)> StatusAsync(IDocumentStore store, CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var newest = await store.Advanced.FetchEventStoreStatistics(token: ct) is { EventSequenceNumber: var n } ? n : 0;
        var shards = progress.Where(p => p.ShardName != "HighWaterMark").ToDictionary(p => p.ShardName.Split(':')[0], p => p.Sequence);
        var rows = store.Options.Events.Projections().Where(p => p.Lifecycle == JasperFx.Events.Projections.ProjectionLifecycle.Async)
            .Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal)
            .Select(name => shards.TryGetValue(name, out var position) ? new Row(name, position, newest - position) : new Row(name, 0, newest))
            .ToList();
        return (newest, rows);
    }
}
