using JasperFx.Events;
using Ledger.Domain.Consumers;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.ConsumerTags;

/// <summary>Inline projection of tags into <see cref="ConsumerTagsTable"/>, in event order.</summary>
public sealed class ConsumerTagsProjection : IProjection
{
    public const string ProjectionName = "consumer_tags";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case TagAdded t:
                    operations.QueueSqlCommand(
                        $"insert into {ConsumerTagsTable.Name} (id, organization_id, end_user_id, tag, created_at) values (?, ?, ?, ?, ?) on conflict do nothing",
                        t.TagId, t.OrganizationId, t.EndUserId, t.Tag, t.AddedAt.ToUniversalTime());
                    break;
                case TagRemoved t:
                    operations.QueueSqlCommand($"delete from {ConsumerTagsTable.Name} where id = ?", t.TagId);
                    break;
            }
        }
        return Task.CompletedTask;
    }
}
