using Ledger.Domain.Decisions;
using Ledger.Domain.Organizations;
using Marten;

namespace Ledger.Api.Access;

/// <summary>
/// The I/O around membership, token and key decisions: locks the organization's stream, folds
/// it, lets the pure decision run, and appends what it decided. Holding the stream's row lock
/// serializes changes to one organization, so no two admins decide against the same state.
/// </summary>
public sealed class OrganizationWriter(IDocumentStore store)
{
    public async Task<Decision> ChangeAsync(Guid organizationId, Func<Organization, Decision> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<Organization>(OrganizationStream.Key(organizationId), ct);
        var decision = decide(stream.Aggregate ?? throw new InvalidOperationException($"Organization {organizationId} has no stream."));
        if (decision.IsRefused || decision.Events.Count == 0) return decision;
        stream.AppendMany(decision.Events);
        await session.SaveChangesAsync(ct);
        return decision;
    }
}
