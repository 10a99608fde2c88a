using Marten;
using Npgsql;

namespace Ledger.Projections.Storage;

/// <summary>
/// Work that several nodes take turns at (the consumer ranking, the alert scan): a transaction-level
/// advisory lock named after it, so one node does the turn and the lock ends with its transaction.
/// </summary>
public static class TurnLock
{
    /// <summary>Takes the lock in the session's transaction: false if another holds it and <paramref name="wait"/> is false.</summary>
    public static async Task<bool> TakeAsync(IDocumentSession session, string name, bool wait, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(wait
            ? "select true from pg_advisory_xact_lock(hashtextextended($1, 0))"
            : "select pg_try_advisory_xact_lock(hashtextextended($1, 0))")
        {
            Parameters = { new NpgsqlParameter { Value = name } },
        };
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        return await reader.ReadAsync(ct) && reader.GetBoolean(0);
    }
}
