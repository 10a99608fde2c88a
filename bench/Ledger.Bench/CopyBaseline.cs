using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Bench;

/// <summary>
/// The baseline: raw Npgsql binary COPY of the same number of event-shaped rows (id, stream,
/// version, type, JSON body, timestamp) into a scratch table, 1,000 rows a batch.
/// </summary>
public static class CopyBaseline
{
    public static async Task<double> RowsPerSecondAsync(NpgsqlDataSource db, int rows)
    {
        await using (var create = db.CreateCommand(
            """
            drop table if exists bench_copy_scratch;
            create table bench_copy_scratch (seq bigserial primary key, id uuid not null, stream_id text not null,
              version bigint not null, type text not null, data jsonb not null, timestamp timestamptz not null);
            """))
            await create.ExecuteNonQueryAsync();
        var usage = UsageGenerator.Batch(Guid.NewGuid(), "copy", 0, rows, 5000, DateTimeOffset.UtcNow);
        var json = usage.Select(u => JsonSerializer.Serialize(u)).ToArray();
        var sw = Stopwatch.StartNew();
        await using var conn = await db.OpenConnectionAsync();
        for (var offset = 0; offset < rows; offset += 1000)
        {
            await using var writer = await conn.BeginBinaryImportAsync(
                "copy bench_copy_scratch (id, stream_id, version, type, data, timestamp) from stdin (format binary)");
            var version = 0L;
            for (var i = offset; i < Math.Min(rows, offset + 1000); i++)
            {
                writer.StartRow();
                writer.Write(Guid.NewGuid(), NpgsqlDbType.Uuid);
                writer.Write("usage:bench", NpgsqlDbType.Text);
                writer.Write(++version, NpgsqlDbType.Bigint);
                writer.Write("usage_settled", NpgsqlDbType.Text);
                writer.Write(json[i], NpgsqlDbType.Jsonb);
                writer.Write(DateTimeOffset.UtcNow, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
        var rate = rows / sw.Elapsed.TotalSeconds;
        await using (var drop = db.CreateCommand("drop table bench_copy_scratch")) await drop.ExecuteNonQueryAsync();
        return rate;
    }
}
