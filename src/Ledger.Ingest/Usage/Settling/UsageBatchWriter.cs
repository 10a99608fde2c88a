using Ledger.Domain.Consumers;
using Ledger.Domain.Usage;
using Ledger.Projections.Consumers;
using Marten;
using Marten.Services;
using Npgsql;

namespace Ledger.Ingest.Usage.Settling;

/// <summary>
/// Stores a group of posts in one transaction: claims their request ids, appends the new usage
/// to one segment stream per organization, registers consumers seen for the first time, and lets
/// the inline projections fold the totals set-based before the commit.
/// </summary>
public sealed class UsageBatchWriter(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<IReadOnlyList<IngestResult>> WriteAsync(
        IReadOnlyList<IReadOnlyList<UsageSettled>> posts, int lane, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        var (claimed, known) = await ClaimAsync(connection, tx, posts, ct);
        var fresh = new List<UsageSettled>(claimed.Count);
        var results = new IngestResult[posts.Count];
        for (var i = 0; i < posts.Count; i++)
        {
            var accepted = 0;
            foreach (var usage in posts[i])
                if (claimed.Remove((usage.OrganizationId, usage.RequestId))) { fresh.Add(usage); accepted++; }
            results[i] = new IngestResult(accepted, posts[i].Count - accepted);
        }

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
        foreach (var org in fresh.GroupBy(u => u.OrganizationId))
            session.Events.Append(UsageSegment.Key(org.Key, now, lane), org.Cast<object>());
        foreach (var (org, user, firstSeen) in FirstSightings(fresh, known))
            session.Events.StartStream(ConsumerStream.Key(org, user),
                new ConsumerRegistered(org, user, RegistrationSource.FirstTraffic, null, firstSeen));
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return results;
    }

    private static IEnumerable<(Guid Org, string User, DateTimeOffset FirstSeen)> FirstSightings(
        List<UsageSettled> fresh, HashSet<(Guid, string)> known) =>
        fresh.Where(u => u.EndUserId is not null && !known.Contains((u.OrganizationId, u.EndUserId)))
            .GroupBy(u => (u.OrganizationId, EndUserId: u.EndUserId!))
            .OrderBy(g => g.Key.OrganizationId).ThenBy(g => g.Key.EndUserId, StringComparer.Ordinal)
            .Select(g => (g.Key.OrganizationId, g.Key.EndUserId, g.Min(u => u.OccurredAt)));

    /// <summary>
    /// One round trip: claims the request ids (a concurrent claim of the same id waits for the
    /// other transaction and then yields) and reads which of the named consumers already exist.
    /// </summary>
    private static async Task<(HashSet<(Guid, string)> Claimed, HashSet<(Guid, string)> Known)> ClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<IReadOnlyList<UsageSettled>> posts, CancellationToken ct)
    {
        var requests = posts.SelectMany(p => p).Select(u => (u.OrganizationId, u.RequestId)).Distinct().ToList();
        var consumers = posts.SelectMany(p => p).Where(u => u.EndUserId is not null)
            .Select(u => (u.OrganizationId, EndUserId: u.EndUserId!)).Distinct().ToList();

        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command(
            $"""
            insert into {RequestRegistryTable.Name} (organization_id, request_id, recorded_at)
            select o, r, now() from unnest($1::uuid[], $2::text[]) as t(o, r) order by o, r
            on conflict do nothing
            returning organization_id, request_id
            """,
            requests.Select(r => r.OrganizationId).ToArray(), requests.Select(r => r.RequestId).ToArray()));
        batch.BatchCommands.Add(Command(
            $"""
            select c.organization_id, c.end_user_id from {ConsumersTable.Name} c
            join unnest($1::uuid[], $2::text[]) as t(o, u) on c.organization_id = t.o and c.end_user_id = t.u
            """,
            consumers.Select(c => c.OrganizationId).ToArray(), consumers.Select(c => c.EndUserId).ToArray()));

        var claimed = new HashSet<(Guid, string)>(requests.Count);
        var known = new HashSet<(Guid, string)>(consumers.Count);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) claimed.Add((reader.GetGuid(0), reader.GetString(1)));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) known.Add((reader.GetGuid(0), reader.GetString(1)));
        return (claimed, known);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return command;
    }
}
