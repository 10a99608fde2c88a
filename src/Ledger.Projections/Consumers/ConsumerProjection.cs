using Ledger.Domain.Consumers;
using Marten.Events.Aggregation;

namespace Ledger.Projections.Consumers;

/// <summary>
/// Keeps the <see cref="Consumer"/> aggregate as an inline snapshot. The fold itself lives on the
/// aggregate in the domain; this class only lets Marten's source generator, which the domain
/// project does not run, dispatch to it.
/// </summary>
public sealed partial class ConsumerProjection : SingleStreamProjection<Consumer, string>
{
    public Consumer Create(ConsumerRegistered e) => Consumer.Create(e);

    public Consumer Apply(ConsumerRegistered e, Consumer consumer) => consumer.Apply(e);

    public Consumer Apply(OverrideChanged e, Consumer consumer) => consumer.Apply(e);

    public Consumer Apply(TagAdded e, Consumer consumer) => consumer.Apply(e);

    public Consumer Apply(TagRemoved e, Consumer consumer) => consumer.Apply(e);

    public Consumer Apply(ConsumerRetired e, Consumer consumer) => consumer.Apply(e);
}
