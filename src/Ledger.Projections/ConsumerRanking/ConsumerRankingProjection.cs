using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Domain.Consumers;
using Ledger.Domain.Usage;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.ConsumerRanking;

/// <summary>
/// Async projection keeping the consumer list's sort keys (<see cref="ConsumerRankingTable"/>): after
/// each page of events, the consumers that page names are copied from the consumer read model. A
/// copy, not a sum, so a replay or a rebuild writes the same rows and needs no teardown; and since
/// every change to a consumer's totals comes with an event this projection reads after it, the
/// ranking always catches up with the latest figures.
/// </summary>
public sealed class ConsumerRankingProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "consumer_ranking";

    public ConsumerRankingProjection()
    {
        Name = ProjectionName;
        IncludeType<UsageSettled>();
        // Registrations too, so that a rebuild also lists the consumers that never had traffic.
        IncludeType<ConsumerRegistered>();
    }

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ConsumerRankingTable.Copy(operations, Named(events), ConsumerRankingTable.SortKeys);
        return Task.CompletedTask;
    }

    private static IEnumerable<(Guid, string)> Named(IReadOnlyList<IEvent> events)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case UsageSettled { EndUserId: { } user } u: yield return (u.OrganizationId, user); break;
                case ConsumerRegistered r: yield return (r.OrganizationId, r.EndUserId); break;
            }
        }
    }
}
