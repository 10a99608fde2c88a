using Ledger.Projections.Failures;
using Ledger.Projections.Storage;
using Npgsql;

namespace Ledger.Api.Cli;

/// <summary>
/// What <c>ledger projections status</c> shows below its table: each async projection Marten's daemon
/// has paused after an error (with the event it stopped at, as Marten records it), and each
/// organization a projection skipped (<see cref="ProjectionFailuresTable"/>).
/// </summary>
public static class ProjectionProblems
{
    public sealed record Problem(string Projection, string What);

    public static async Task<IReadOnlyList<Problem>> ReadAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var problems = new List<Problem>();
        await using (var paused = dataSource.CreateCommand(
            $"""
            select split_part(name, ':', 1), coalesce(failure_category, 'error'), failure_event_sequence, failure_event_type, pause_reason
            from {LedgerSchema.Name}.mt_event_progression where pause_reason is not null order by name
            """))
        await using (var reader = await paused.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                problems.Add(new Problem(reader.GetString(0), $"paused ({reader.GetString(1)})" +
                    (reader.IsDBNull(2) ? "" : $" at event {reader.GetInt64(2)}{(reader.IsDBNull(3) ? "" : $" ({reader.GetString(3)})")}") +
                    $": {Cause(reader.GetString(4))}"));
        foreach (var f in await ProjectionFailuresTable.ReadAsync(dataSource, ct))
            problems.Add(new Problem(f.Projection, $"skipped organization {f.OrganizationId} at {f.FailedAt:u}, retried with its next event: {FirstLine(f.Error)}"));
        return problems;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>Marten keeps the whole exception; its innermost "---> Type: message" line says what the database refused.</summary>
    private static string Cause(string exception) =>
        exception.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("---> ", StringComparison.Ordinal))?[5..] ?? FirstLine(exception);
}
