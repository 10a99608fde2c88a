using Ledger.Domain.Admissions;
using Ledger.Ingest.Admissions;
using Npgsql;
using Wolverine.RDBMS;
using Wolverine.Runtime;

namespace Ledger.Api.Admissions.Events;

/// <summary>EXPERIMENT (issue 20): stores a decision's events as a Wolverine envelope in the decision's transaction.</summary>
public sealed class WolverineAdmissionEvents(IWolverineRuntime runtime) : IAdmissionEventHandoff
{
    public async Task<Func<Task>> StoreAsync(NpgsqlTransaction tx, IReadOnlyList<object> events, CancellationToken ct)
    {
        var context = new MessageContext(runtime);
        await context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction((IMessageDatabase)runtime.Storage, tx));
        var rows = events.Select(e =>
        {
            var (type, body) = AdmissionEventPublisher.Serialize(e);
            var org = e switch { RequestAdmitted a => a.OrganizationId, RequestRejected r => r.OrganizationId, _ => Guid.Empty };
            return new AdmissionEventRow(org, type, body);
        }).ToArray();
        await context.PublishAsync(new AdmissionEventsDecided(rows));
        return () => context.FlushOutgoingMessagesAsync();
    }
}
