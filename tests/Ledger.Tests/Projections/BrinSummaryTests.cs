using System.Diagnostics;
using Ledger.Projections.SpendLog;
using Ledger.Projections.Storage;
using Ledger.Tests.Infrastructure;
using Npgsql;

namespace Ledger.Tests.Projections;

/// <summary>
/// The alert scan and retention summarize the spend log's BRIN indexes before they read: while a vacuum holds the table
/// they go on without the summary, rather than wait for the vacuum (and, past a second, make PostgreSQL cancel it).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class BrinSummaryTests(LedgerApp app)
{
    [Fact]
    public async Task summarizing_gives_way_within_a_fraction_of_a_second_to_whoever_holds_the_table_as_a_vacuum_does()
    {
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        await using (var vacuum = await dataSource.OpenConnectionAsync())
        {
            await using var tx = await vacuum.BeginTransactionAsync();
            // The lock a vacuum takes.
            await using (var hold = new NpgsqlCommand($"lock table {SpendLogTable.Name} in share update exclusive mode", vacuum, tx))
                await hold.ExecuteNonQueryAsync();

            var clock = Stopwatch.StartNew();
            // Were it to wait for the lock, it would wait until this transaction ends: give up after 5 s instead of never.
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await BrinSummaries.SummarizeNewRangesAsync(dataSource, SpendLogTable.SequenceIndex, patience.Token);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.9), $"waited {clock.Elapsed.TotalMilliseconds:F0} ms for the table");
            await tx.RollbackAsync();
        }
        // With the table free it summarizes.
        await BrinSummaries.SummarizeNewRangesAsync(dataSource, SpendLogTable.TimeIndex, CancellationToken.None);
    }
}
