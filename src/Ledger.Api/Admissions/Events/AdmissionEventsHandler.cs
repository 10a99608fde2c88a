using Ledger.Ingest.Admissions;
using Marten;

namespace Ledger.Api.Admissions.Events;

/// <summary>EXPERIMENT (issue 20): appends batches of admission events carried by Wolverine.</summary>
public static class AdmissionEventsHandler
{
    private static readonly string Writer = "wolverine-" + Guid.NewGuid().ToString("N")[..8];

    public static async Task HandleAsync(AdmissionEventsDecided[] batch, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        foreach (var org in batch.SelectMany(b => b.Events).GroupBy(e => e.OrganizationId))
            session.Events.AppendAdmissionEvents(org.Key, org.Select(e => AdmissionEventPublisher.Deserialize(e.Type, e.Body)), now, Writer);
        await session.SaveChangesAsync(ct);
    }
}
