using Npgsql;

namespace Ledger.Projections.Storage;

/// <summary>
/// PostgreSQL summarizes a BRIN index's block ranges only when the table is vacuumed, and a scan
/// of the index reads every block of a range not yet summarized: on a table written all the time,
/// everything since the last vacuum. A reader of the newest rows (the alert scan) or of a time
/// window (retention) summarizes the new ranges first, which reads only the blocks written since.
/// </summary>
public static class BrinSummaries
{
    /// <summary>
    /// How long a summary waits for the table's lock. Autovacuum holds it while it vacuums the table, and a
    /// request waiting longer than <c>deadlock_timeout</c> (1 s) makes PostgreSQL cancel that vacuum; a turn
    /// that cannot summarize in time reads the unsummarized blocks instead, which changes nothing it finds.
    /// </summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMilliseconds(100);

    /// <summary>Summarizes the ranges of <paramref name="index"/> (schema-qualified) written since its last summary, on a connection of its own.</summary>
    public static async Task SummarizeNewRangesAsync(NpgsqlDataSource dataSource, string index, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"set local lock_timeout = {(int)LockWait.TotalMilliseconds}"),
                new NpgsqlBatchCommand($"select brin_summarize_new_values('{index}'::regclass)"),
            },
        };
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            // Autovacuum has the table: it summarizes the ranges itself.
        }
    }
}
