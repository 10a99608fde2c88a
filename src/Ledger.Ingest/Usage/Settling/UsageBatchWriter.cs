using Ledger.Domain.Consumers;
using Ledger.Domain.Usage;
using Ledger.Ingest.Admissions.Meters;
using Ledger.Ingest.Usage.Pricing;
using Marten;
using Marten.Services;
using Npgsql;

namespace Ledger.Ingest.Usage.Settling;

/// <summary>
/// Stores a group of posts in one transaction: claims their request ids, prices the new usage that
/// came without a cost (<see cref="PriceLookup"/>), appends it to the organization's usage segments, registers consumers seen for the first time, lets the
/// inline projections fold the totals set-based, and closes the reservations the usage settles
/// and adds it to its scopes' meters (<see cref="ScopeMeters"/>) before the commit. Every claim and upsert
/// runs in key order, so concurrent transactions take their row locks in the same order.
/// </summary>
public sealed class UsageBatchWriter(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<IReadOnlyList<IngestResult>> WriteAsync(
        IReadOnlyList<IReadOnlyList<UsageSettled>> posts, int lane, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        var (claimed, registered) = await ClaimAsync(connection, tx, posts, now, ct);
        var fresh = new List<UsageSettled>(claimed.Count);
        var results = new IngestResult[posts.Count];
        for (var i = 0; i < posts.Count; i++)
        {
            var accepted = 0;
            foreach (var usage in posts[i])
                if (claimed.Remove((usage.OrganizationId, usage.RequestId))) { fresh.Add(usage); accepted++; }
            results[i] = new IngestResult(accepted, posts[i].Count - accepted);
        }
        var stored = await PriceLookup.PriceAsync(connection, tx, fresh, ct);

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
        foreach (var org in stored.GroupBy(u => u.OrganizationId))
            foreach (var (slice, index) in org.Chunk(UsageSegment.MaxEventsPerAppend).Select((s, i) => (s, i)))
                session.Events.Append(UsageSegment.Key(org.Key, now, _writerId, lane, index), slice.Cast<object>());
        foreach (var (org, user, firstSeen) in FirstSightings(stored, registered))
            // Append, not StartStream: a retired consumer's stream exists, and traffic registers it anew.
            session.Events.Append(ConsumerStream.Key(org, user),
                new ConsumerRegistered(org, user, RegistrationSource.FirstTraffic, null, firstSeen));
        await session.SaveChangesAsync(ct);
        await using (var unpriced = UnpricedModels.CountCommand(connection, tx, stored))
            if (unpriced is not null) await unpriced.ExecuteNonQueryAsync(ct);
        if (stored.Count > 0)
        {
            // Last before the commit, so the scope meters' row locks are held as briefly as possible.
            await ScopeMeters.SettleAsync(connection, tx, stored, now, ct);
        }
        await tx.CommitAsync(ct);
        return results;
    }

    /// <summary>Identifies this writer's segments, so no two writers (nodes) ever share a stream.</summary>
    private readonly string _writerId = Guid.NewGuid().ToString("N")[..8];

    private static IEnumerable<(Guid Org, string User, DateTimeOffset FirstSeen)> FirstSightings(
        IReadOnlyList<UsageSettled> fresh, HashSet<(Guid, string)> registered) =>
        fresh.Where(u => u.EndUserId is not null && registered.Contains((u.OrganizationId, u.EndUserId)))
            .GroupBy(u => (u.OrganizationId, EndUserId: u.EndUserId!))
            .OrderBy(g => g.Key.OrganizationId).ThenBy(g => g.Key.EndUserId, StringComparer.Ordinal)
            .Select(g => (g.Key.OrganizationId, g.Key.EndUserId, g.Min(u => u.OccurredAt)));

    /// <summary>
    /// One statement claims the request ids and then the consumers first named by the claimed
    /// records (a duplicate registers no one). A concurrent claim of the same key waits for the
    /// other transaction and then yields to it.
    /// </summary>
    private static async Task<(HashSet<(Guid, string)> Claimed, HashSet<(Guid, string)> Registered)> ClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<IReadOnlyList<UsageSettled>> posts,
        DateTimeOffset now, CancellationToken ct)
    {
        // First occurrence of each request id, as in WriteAsync, so the users joined below are the stored ones.
        var requests = posts.SelectMany(p => p).DistinctBy(u => (u.OrganizationId, u.RequestId)).ToList();

        await using var command = new NpgsqlCommand(
            $"""
            with input as (select * from unnest($1::uuid[], $2::text[], $3::text[]) as t(o, r, u)),
            claimed as (
                insert into {RequestRegistryTable.Name} (organization_id, request_id, recorded_at)
                select o, r, $4 from input order by o, r
                on conflict do nothing
                returning organization_id, request_id),
            registered as (
                insert into {ConsumerRegistryTable.Name} (organization_id, end_user_id, registered_at)
                select distinct i.o, i.u, $4::timestamptz from input i
                join claimed c on c.organization_id = i.o and c.request_id = i.r
                where i.u is not null order by 1, 2
                on conflict do nothing
                returning organization_id, end_user_id)
            select true, organization_id, request_id from claimed
            union all select false, organization_id, end_user_id from registered
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = requests.Select(u => u.OrganizationId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = requests.Select(u => u.RequestId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = requests.Select(u => u.EndUserId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = now });

        var claimed = new HashSet<(Guid, string)>(requests.Count);
        var registered = new HashSet<(Guid, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            (reader.GetBoolean(0) ? claimed : registered).Add((reader.GetGuid(1), reader.GetString(2)));
        return (claimed, registered);
    }
}
