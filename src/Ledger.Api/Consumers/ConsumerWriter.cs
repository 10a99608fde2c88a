using Ledger.Domain.Consumers;
using Ledger.Domain.Decisions;
using Ledger.Ingest.Usage;
using Marten;
using Npgsql;

namespace Ledger.Api.Consumers;

/// <summary>
/// The I/O around consumer decisions (pre-registration, import, tags, overrides, retirement).
/// In one transaction it locks each consumer's registry row (claiming it if the consumer is new),
/// folds the consumers from their streams, lets the pure decision run for each, appends the events, and
/// keeps the registry in step: a row exactly for every active consumer. The row lock serializes
/// every writer of one consumer, ingest's first registration included, so a second admin decides
/// against the first one's result and loses nothing.
/// </summary>
public sealed class ConsumerWriter(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<Decision> ChangeAsync(Guid organizationId, string endUserId, Func<Consumer?, Decision> decide, CancellationToken ct) =>
        (await ChangeManyAsync(organizationId, [endUserId], (_, consumer) => decide(consumer), ct))[endUserId];

    /// <summary>Decides for every id; if any decision is refused, nothing is written.</summary>
    public async Task<IReadOnlyDictionary<string, Decision>> ChangeManyAsync(
        Guid organizationId, IReadOnlyCollection<string> endUserIds, Func<string, Consumer?, Decision> decide, CancellationToken ct)
    {
        var ids = endUserIds.Distinct(StringComparer.Ordinal).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, tx, organizationId, ids, ct);

        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        var current = await FoldAsync(session, organizationId, ids, ct);
        var decisions = ids.ToDictionary(id => id, id => decide(id, current.GetValueOrDefault(id)), StringComparer.Ordinal);
        if (decisions.Values.Any(d => d.IsRefused)) return decisions; // rolled back on dispose

        foreach (var (id, decision) in decisions.Where(d => d.Value.Events.Count > 0))
            session.Events.Append(ConsumerStream.Key(organizationId, id), decision.Events);
        var inactive = ids.Where(id => !ActiveAfter(current.GetValueOrDefault(id), decisions[id])).ToArray();
        if (inactive.Length > 0) await ReleaseAsync(connection, tx, organizationId, inactive, ct);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return decisions;
    }

    /// <summary>
    /// The consumers as their streams leave them, folded from the events of every stream in one
    /// query (a bulk import reads thousands at once). Read under the registry rows' locks, so no
    /// other writer appends to these streams meanwhile.
    /// </summary>
    private static async Task<Dictionary<string, Consumer>> FoldAsync(IDocumentSession session, Guid organizationId, string[] ids, CancellationToken ct)
    {
        var keys = ids.Select(id => ConsumerStream.Key(organizationId, id)).ToArray();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey!.IsOneOf(keys))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        return events.GroupBy(e => e.StreamKey!, StringComparer.Ordinal)
            .Select(stream => Consumer.Fold(stream.Select(e => e.Data)))
            .OfType<Consumer>()
            .ToDictionary(c => c.EndUserId, StringComparer.Ordinal);
    }

    private static bool ActiveAfter(Consumer? before, Decision decision) =>
        decision.Events.LastOrDefault(e => e is ConsumerRegistered or ConsumerRetired) switch
        {
            ConsumerRegistered => true,
            ConsumerRetired => false,
            _ => Consumer.IsActive(before),
        };

    /// <summary>
    /// Inserts or locks each registry row, in key order like ingest, so lockers never deadlock.
    /// An existing row is only locked (<c>do update ... where false</c> updates nothing), so
    /// ingest's <c>on conflict do nothing</c> does not wait for it.
    /// </summary>
    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid org, string[] ids, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"""
            insert into {ConsumerRegistryTable.Name} as r (organization_id, end_user_id, registered_at)
            select $1, u, $3 from unnest($2::text[]) u order by 1, 2
            on conflict (organization_id, end_user_id) do update set registered_at = r.registered_at where false
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = org });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A consumer that is not (or no longer) active has no registry row: its next traffic registers it.</summary>
    private static async Task ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid org, string[] ids, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"delete from {ConsumerRegistryTable.Name} where organization_id = $1 and end_user_id = any($2)", connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = org });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        await command.ExecuteNonQueryAsync(ct);
    }
}
