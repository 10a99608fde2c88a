using JasperFx.Events;
using Ledger.Domain.ModelPrices;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.ModelPrices;

/// <summary>Inline projection of price changes into <see cref="ModelPricesTable"/>, in the transaction that decides them.</summary>
public sealed class ModelPricesProjection : IProjection
{
    public const string ProjectionName = "model_prices";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var e in events)
        {
            if (e.Data is not ModelPriceChanged c) continue;
            // Two changes of one model at the same instant: the later event wins, as it does in the aggregate.
            operations.QueueSqlCommand(
                $"""
                insert into {ModelPricesTable.Name} (organization_id, model, effective_from, input_usd_per_million, output_usd_per_million, changed_by)
                values (?, ?, ?, ?::numeric, ?::numeric, ?)
                on conflict (organization_id, model, effective_from) do update set input_usd_per_million = excluded.input_usd_per_million,
                    output_usd_per_million = excluded.output_usd_per_million, changed_by = excluded.changed_by
                """,
                c.OrganizationId, c.Model, c.ChangedAt.ToUniversalTime(), c.After?.InputUsdPerMillion!, c.After?.OutputUsdPerMillion!, c.Actor);
        }
        return Task.CompletedTask;
    }
}
