using Ledger.Projections.DailyActivity;
using Ledger.Projections.SpendLog;
using Ledger.Projections.Storage;
using Marten;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Rebuilds;

/// <summary>
/// Which shape each async projection's stored rows have. A release that changes what a projection
/// writes (a new column, a new table, a new rule) raises its number here; a node starting on a
/// database whose rows have an older shape asks for a rebuild (<see cref="RequestRebuildsAsync"/>),
/// and a finished rebuild records the shape it wrote. Rows written before versions were kept count
/// as shape 1.
/// </summary>
public static class ProjectionShapes
{
    public const string Name = LedgerSchema.Name + ".projection_shapes";

    /// <summary>The async projections whose shape has changed since shapes were kept, and the shape this build writes.</summary>
    private static readonly Dictionary<string, int> Changed = new()
    {
        // 2: spend with markup, and the monthly cohort statistics. 3: the money rule (costs to 10 places, markup exact).
        [DailyActivityProjection.ProjectionName] = 3,
        // 2: the money rule.
        [SpendLogProjection.ProjectionName] = 2,
    };

    /// <summary>The shape this build writes for <paramref name="projection"/>: 1 unless it has changed.</summary>
    public static int Current(string projection) => Changed.GetValueOrDefault(projection, 1);

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<string>("projection").AsPrimaryKey();
        table.AddColumn<int>("version").NotNull();
        return table;
    }

    /// <summary>Notes that <paramref name="projection"/>'s rows now have this build's shape.</summary>
    public static async Task RecordAsync(NpgsqlDataSource dataSource, string projection, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"insert into {Name} (projection, version) values ($1, $2) on conflict (projection) do update set version = excluded.version");
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        command.Parameters.Add(new NpgsqlParameter { Value = Current(projection) });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// For each async projection whose stored rows have an older shape than this build writes, asks
    /// for a rebuild (unless one is asked for or running); a projection that has processed nothing
    /// yet simply gets this build's shape. The projections asked for.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RequestRebuildsAsync(IDocumentStore store, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var stored = new Dictionary<string, int>();
        await using (var command = dataSource.CreateCommand($"select projection, version from {Name}"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) stored[reader.GetString(0)] = reader.GetInt32(1);

        var asked = new List<string>();
        var progress = (await store.Advanced.AllProjectionProgress(token: ct)).ToDictionary(p => p.ShardName, p => p.Sequence);
        foreach (var projection in AsyncShards.Names(store))
        {
            var version = Current(projection);
            var known = stored.TryGetValue(projection, out var has);
            // Unknown: nothing stored yet gets this build's shape; rows stored before shapes were kept have shape 1.
            if (!known) has = progress.GetValueOrDefault(AsyncShards.Shard(projection).Identity) == 0 ? version : 1;
            if (has >= version)
            {
                if (!known) await RecordAsync(dataSource, projection, ct);
                continue;
            }
            await using var request = dataSource.CreateCommand(
                $"""
                insert into {RebuildRequestsTable.Name} (projection)
                select $1 where not exists (select 1 from {RebuildRequestsTable.Name} where projection = $1
                    and ({RebuildRequestsTable.Waiting} or started_at is not null and finished_at is null))
                """);
            request.Parameters.Add(new NpgsqlParameter { Value = projection });
            if (await request.ExecuteNonQueryAsync(ct) == 1) asked.Add(projection);
        }
        return asked;
    }
}
