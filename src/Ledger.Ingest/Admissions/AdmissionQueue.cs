using Ledger.Domain.Admissions;
using Ledger.Ingest.Admissions.Leases;
using Ledger.Ingest.GroupCommit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Group commit for admissions: requests queue up and each writer lane decides whatever has
/// queued (up to <see cref="AdmissionOptions.MaxRequestsPerTransaction"/>) in one transaction, in
/// arrival order. A request's answer is given only after its transaction committed. The same
/// transaction gives back this node's leases of the group's scopes and grants it new ones
/// (<see cref="NodeLeases"/>), so the scopes' next requests are decided in memory.
/// </summary>
public sealed class AdmissionQueue(AdmissionWriter writer, NodeLeases leases, IOptions<AdmissionOptions> options, ILogger<AdmissionQueue> logger)
    : GroupCommitQueue<AdmissionRequest, AdmissionOutcome>(
        options.Value.WriterLanes, options.Value.QueueCapacity, options.Value.MaxAttempts, logger)
{
    protected override int MaxWeightPerTransaction => options.Value.MaxRequestsPerTransaction;

    protected override int WeightOf(AdmissionRequest request) => 1;

    protected override async Task<IReadOnlyList<AdmissionOutcome>> WriteAsync(IReadOnlyList<AdmissionRequest> group, int lane)
    {
        if (options.Value.LeaseTerm <= TimeSpan.Zero) return await writer.DecideAsync(group, CancellationToken.None);
        var work = leases.Work([.. group.SelectMany(r => r.Scopes()).Distinct()]);
        return (await writer.DecideAsync(group, work, leases, CancellationToken.None)).Outcomes;
    }

    protected override Exception Unavailable(Exception cause) => new AdmissionUnavailableException(cause);
}

/// <summary>An admission could not be decided (the database is unreachable, or the node is stopping). The gateway may retry with the same request id.</summary>
public sealed class AdmissionUnavailableException(Exception inner)
    : Exception("The admission could not be decided. Retry with the same request_id: an admission already stored is answered again, not counted twice.", inner);
