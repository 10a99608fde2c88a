using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.Consumers;

/// <summary>
/// Inline projection of the Consumer read model. Totals are commutative (sums, least, greatest,
/// set union), so a batch of events is folded in memory per consumer and written with one
/// set-based upsert in the same transaction, without loading any row first.
/// </summary>
public sealed class ConsumerTotalsProjection : IProjection
{
    public const string ProjectionName = "consumer_totals";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var deltas = ConsumerDelta.Fold(events);
        if (deltas.Count == 0) return Task.CompletedTask;
        Upsert(operations, deltas);
        return Task.CompletedTask;
    }

    private static void Upsert(IDocumentOperations operations, IReadOnlyList<ConsumerDelta> rows) => operations.QueueSqlCommand(
        $"""
        insert into {ConsumersTable.Name} as c (organization_id, end_user_id, requests, input_tokens,
            output_tokens, total_spend, first_seen, last_active, registration_source, keys_seen, retired_at)
        select o, u, r, i, x, s, f, l, src, coalesce(k, array[]::text[]), ret
        from unnest(?::uuid[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[],
                    ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[], ?::timestamptz[])
             as d(o, u, r, i, x, s, f, l, src, ks, ret)
             cross join lateral (select string_to_array(nullif(ks, ''), ?) as k) keys
        order by o, u
        on conflict (organization_id, end_user_id) do update set
            requests = c.requests + excluded.requests,
            input_tokens = c.input_tokens + excluded.input_tokens,
            output_tokens = c.output_tokens + excluded.output_tokens,
            total_spend = c.total_spend + excluded.total_spend,
            first_seen = least(c.first_seen, excluded.first_seen),
            last_active = greatest(c.last_active, excluded.last_active),
            registration_source = coalesce(excluded.registration_source, c.registration_source),
            retired_at = case when excluded.retired_at is not null then excluded.retired_at
                              when excluded.registration_source is not null then null else c.retired_at end,
            keys_seen = case when excluded.keys_seen <@ c.keys_seen then c.keys_seen
                        else array(select distinct unnest(c.keys_seen || excluded.keys_seen) order by 1) end
        """,
        rows.Select(r => r.OrganizationId).ToArray(),
        rows.Select(r => r.EndUserId).ToArray(),
        rows.Select(r => r.Requests).ToArray(),
        rows.Select(r => r.InputTokens).ToArray(),
        rows.Select(r => r.OutputTokens).ToArray(),
        rows.Select(r => r.Spend).ToArray(),
        rows.Select(r => r.FirstSeen).ToArray(),
        rows.Select(r => r.LastActive).ToArray(),
        rows.Select(r => r.Source).ToArray(),
        rows.Select(r => string.Join(ConsumerDelta.KeySeparator, r.Keys)).ToArray(),
        rows.Select(r => r.RetiredAt?.ToUniversalTime()).ToArray(),
        ConsumerDelta.KeySeparator.ToString());
}
