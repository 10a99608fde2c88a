using JasperFx.Events;
using Ledger.Domain.Consumers;
using Ledger.Domain.Usage;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.OrganizationUsage;

/// <summary>
/// Inline projection of organization-wide totals, folded per batch like consumer totals. A
/// consumer is registered only when it is not listed and retired only when it is, so the listed
/// consumers are counted from those two events alone.
/// </summary>
public sealed class OrganizationUsageProjection : IProjection
{
    public const string ProjectionName = "organization_usage";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var byOrg = new SortedDictionary<Guid, Row>();
        Row For(Guid org) => byOrg.TryGetValue(org, out var r) ? r : byOrg[org] = new Row();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case UsageSettled u:
                    var row = For(u.OrganizationId);
                    row.Requests++;
                    row.Input += u.InputTokens;
                    row.Output += u.OutputTokens;
                    row.Spend += u.Cost();
                    if (u.EndUserId is null) { row.Unattributed++; row.UnattributedSpend += u.Cost(); }
                    else row.ConsumerChanges++;
                    break;
                case ConsumerRegistered r: For(r.OrganizationId).Listed(+1); break;
                case ConsumerRetired r: For(r.OrganizationId).Listed(-1); break;
            }
        }
        if (byOrg.Count == 0) return Task.CompletedTask;

        var rows = byOrg.ToList();
        operations.QueueSqlCommand(
            $"""
            insert into {OrganizationUsageTable.Name} as t (organization_id, requests, input_tokens, output_tokens,
                total_spend, unattributed_requests, unattributed_spend, active_consumers, consumer_changes)
            select * from unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[], ?::bigint[], ?::numeric[], ?::bigint[], ?::bigint[])
            on conflict (organization_id) do update set
                requests = t.requests + excluded.requests,
                input_tokens = t.input_tokens + excluded.input_tokens,
                output_tokens = t.output_tokens + excluded.output_tokens,
                total_spend = t.total_spend + excluded.total_spend,
                unattributed_requests = t.unattributed_requests + excluded.unattributed_requests,
                unattributed_spend = t.unattributed_spend + excluded.unattributed_spend,
                active_consumers = t.active_consumers + excluded.active_consumers,
                consumer_changes = t.consumer_changes + excluded.consumer_changes
            """,
            rows.Select(r => r.Key).ToArray(),
            rows.Select(r => r.Value.Requests).ToArray(),
            rows.Select(r => r.Value.Input).ToArray(),
            rows.Select(r => r.Value.Output).ToArray(),
            rows.Select(r => r.Value.Spend).ToArray(),
            rows.Select(r => r.Value.Unattributed).ToArray(),
            rows.Select(r => r.Value.UnattributedSpend).ToArray(),
            rows.Select(r => r.Value.ActiveConsumers).ToArray(),
            rows.Select(r => r.Value.ConsumerChanges).ToArray());
        return Task.CompletedTask;
    }

    private sealed class Row
    {
        public long Requests, Input, Output, Unattributed, ActiveConsumers, ConsumerChanges;

        public void Listed(int change) { ActiveConsumers += change; ConsumerChanges++; }
        public decimal Spend, UnattributedSpend;
    }
}
