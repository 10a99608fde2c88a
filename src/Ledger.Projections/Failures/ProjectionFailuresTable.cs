using Ledger.Projections.Storage;
using Marten;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Failures;

/// <summary>
/// The organizations an async projection could not process and skipped, so that one organization's
/// data never holds back the others': the latest error of each, until a later computation for that
/// organization succeeds. <c>./ledger projections status</c> lists them; each is also logged.
/// </summary>
public static class ProjectionFailuresTable
{
    public const string Name = LedgerSchema.Name + ".projection_failures";

    public sealed record Failure(string Projection, Guid OrganizationId, string Error, DateTimeOffset FailedAt);

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<string>("projection").AsPrimaryKey();
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<string>("error").NotNull();
        table.AddColumn<DateTimeOffset>("failed_at").NotNull();
        return table;
    }

    public static void QueueFailed(IDocumentOperations operations, string projection, Guid organization, Exception error) =>
        operations.QueueSqlCommand(
            $"""
            insert into {Name} (projection, organization_id, error, failed_at) values (?, ?, ?, now())
            on conflict (projection, organization_id) do update set error = excluded.error, failed_at = excluded.failed_at
            """, projection, organization, $"{error.GetType().Name}: {error.Message}");

    public static void QueueRecovered(IDocumentOperations operations, string projection, IReadOnlyCollection<Guid> organizations)
    {
        if (organizations.Count > 0)
            operations.QueueSqlCommand($"delete from {Name} where projection = ? and organization_id = any(?)", projection, organizations.ToArray());
    }

    public static async Task<IReadOnlyList<Failure>> ReadAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select projection, organization_id, error, failed_at from {Name} order by projection, failed_at desc");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var failures = new List<Failure>();
        while (await reader.ReadAsync(ct))
            failures.Add(new Failure(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return failures;
    }
}
