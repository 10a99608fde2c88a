using JasperFx.Events;
using Ledger.Domain.Usage;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.OrganizationUsage;

/// <summary>Inline projection of organization-wide totals, folded per batch like consumer totals.</summary>
public sealed class OrganizationUsageProjection : IProjection
{
    public const string ProjectionName = "organization_usage";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var rows = events.Select(e => e.Data).OfType<UsageSettled>()
            .GroupBy(u => u.OrganizationId)
            .Select(g => (
                Org: g.Key,
                Requests: g.LongCount(),
                Input: g.Sum(u => u.InputTokens),
                Output: g.Sum(u => u.OutputTokens),
                Spend: g.Sum(u => u.CostUsd),
                Unattributed: g.LongCount(u => u.EndUserId is null),
                UnattributedSpend: g.Where(u => u.EndUserId is null).Sum(u => u.CostUsd)))
            .OrderBy(r => r.Org)
            .ToList();
        if (rows.Count == 0) return Task.CompletedTask;

        operations.QueueSqlCommand(
            $"""
            insert into {OrganizationUsageTable.Name} as t (organization_id, requests, input_tokens, output_tokens,
                total_spend, unattributed_requests, unattributed_spend)
            select * from unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[], ?::bigint[], ?::numeric[])
            on conflict (organization_id) do update set
                requests = t.requests + excluded.requests,
                input_tokens = t.input_tokens + excluded.input_tokens,
                output_tokens = t.output_tokens + excluded.output_tokens,
                total_spend = t.total_spend + excluded.total_spend,
                unattributed_requests = t.unattributed_requests + excluded.unattributed_requests,
                unattributed_spend = t.unattributed_spend + excluded.unattributed_spend
            """,
            rows.Select(r => r.Org).ToArray(),
            rows.Select(r => r.Requests).ToArray(),
            rows.Select(r => r.Input).ToArray(),
            rows.Select(r => r.Output).ToArray(),
            rows.Select(r => r.Spend).ToArray(),
            rows.Select(r => r.Unattributed).ToArray(),
            rows.Select(r => r.UnattributedSpend).ToArray());
        return Task.CompletedTask;
    }
}
