using Ledger.Domain.Admissions;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// What this node answered lately, by (organization, request id), so that a retried admission gets
/// the same answer without asking the database: the same reservation, or 409 once this node has
/// settled the request. Kept for <see cref="AdmissionOptions.RememberAdmissions"/>, in two
/// generations (the older dropped whole), so memory stays bounded by that span's admissions.
/// </summary>
public sealed class RecentAdmissions(TimeProvider clock, Microsoft.Extensions.Options.IOptions<AdmissionOptions> options)
{
    private readonly Lock gate = new();
    private Dictionary<(Guid, string), AdmissionOutcome> current = [];
    private Dictionary<(Guid, string), AdmissionOutcome> previous = [];
    private DateTimeOffset turned = clock.GetUtcNow();

    public AdmissionOutcome? Find(Guid organization, string requestId)
    {
        lock (gate)
            return current.TryGetValue((organization, requestId), out var o) || previous.TryGetValue((organization, requestId), out o) ? o : null;
    }

    public void Remember(AdmissionRequest request, AdmissionOutcome outcome)
    {
        if (outcome is not AdmissionOutcome.Admitted) return;
        lock (gate)
        {
            Turn();
            current[(request.OrganizationId, request.RequestId)] = outcome;
        }
    }

    /// <summary>Usage of these requests settled on this node: asking again is a conflict.</summary>
    public void Settled(Guid organization, IEnumerable<string> requestIds)
    {
        lock (gate)
            foreach (var id in requestIds)
                if (current.ContainsKey((organization, id)) || previous.Remove((organization, id)))
                    current[(organization, id)] = new AdmissionOutcome.Closed();
    }

    private void Turn()
    {
        var now = clock.GetUtcNow();
        if (now - turned < options.Value.RememberAdmissions / 2) return;
        (previous, current, turned) = (current, [], now);
    }
}
