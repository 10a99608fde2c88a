using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Domain.Usage;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.SpendLog;

/// <summary>
/// Async projection of <see cref="SpendLogTable"/>: each batch's settled requests in one
/// set-based insert. A request id is settled once per organization, so a replayed event finds its
/// row there already and changes nothing. Only settled usage is read from the event log (a
/// <see cref="ProjectionBase"/> tells the daemon its event types; a bare IProjection is fed every event).
/// </summary>
public sealed class SpendLogProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "spend_log";

    public SpendLogProjection()
    {
        Name = ProjectionName;
        IncludeType<UsageSettled>();
    }

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var settled = events.Where(e => e.Data is UsageSettled).ToList();
        if (settled.Count == 0) return Task.CompletedTask;
        var usage = settled.Select(e => (UsageSettled)e.Data).ToList();
        operations.QueueSqlCommand(
            $"""
            insert into {SpendLogTable.Name} (organization_id, request_id, end_user_id, model, key_id, input_tokens, output_tokens,
                cost, status, occurred_at, seq)
            select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::numeric[],
                                 ?::text[], ?::timestamptz[], ?::bigint[])
            on conflict (organization_id, request_id) do nothing
            """,
            usage.Select(u => u.OrganizationId).ToArray(),
            usage.Select(u => u.RequestId).ToArray(),
            usage.Select(u => u.EndUserId).ToArray(),
            usage.Select(u => u.Model).ToArray(),
            usage.Select(u => u.KeyId).ToArray(),
            usage.Select(u => u.InputTokens).ToArray(),
            usage.Select(u => u.OutputTokens).ToArray(),
            usage.Select(u => u.Cost()).ToArray(),
            usage.Select(u => u.Status.ToString().ToLowerInvariant()).ToArray(),
            usage.Select(u => u.OccurredAt.ToUniversalTime()).ToArray(),
            settled.Select(e => e.Sequence).ToArray());
        return Task.CompletedTask;
    }
}
