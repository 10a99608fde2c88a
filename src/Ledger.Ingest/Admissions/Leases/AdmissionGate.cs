using Ledger.Domain.Admissions;
using Microsoft.Extensions.Options;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// Decides one admission: a request this node admitted lately (a retry) in the database, which answers it as before;
/// else in memory, from this node's leases of every scope of the request, storing it after the answer
/// (<see cref="AdmissionRecorder"/>); else in the database (<see cref="AdmissionQueue"/>), whose transaction also
/// leases the scopes to this node for its next requests.
/// </summary>
public sealed class AdmissionGate(
    NodeLeases leases, RecentAdmissions recent, AdmissionQueue queue, AdmissionRecorder recorder, TimeProvider clock,
    IOptions<AdmissionOptions> options)
{
    public async Task<AdmissionOutcome> DecideAsync(AdmissionRequest request, CancellationToken ct)
    {
        if (options.Value.LeaseTerm <= TimeSpan.Zero) return await InDatabaseAsync(request, ct);
        if (recent.Seen(request.OrganizationId, request.RequestId))
        {
            // Answered from a lease and perhaps not stored yet: once it is, the database finds it.
            await recorder.StoredAsync(request.OrganizationId, [request.RequestId]);
            AdmissionMeter.AnsweredAsBefore();
            return await queue.SubmitAsync(request, ct);
        }

        var now = ScopeStates.ToMicroseconds(clock.GetUtcNow());
        AdmissionOutcome outcome;
        if (leases.TryAdmit(request, now) is { } spentFrom)
        {
            var admitted = new AdmissionOutcome.Admitted(Guid.CreateVersion7(), now + options.Value.ReservationTtl);
            await recorder.RecordAsync(new LeasedAdmission(request, admitted, now, spentFrom));
            AdmissionMeter.DecidedFromLease();
            outcome = admitted;
        }
        else outcome = await InDatabaseAsync(request, ct);
        if (outcome is AdmissionOutcome.Admitted) recent.Remember(request.OrganizationId, request.RequestId);
        return outcome;
    }

    private async Task<AdmissionOutcome> InDatabaseAsync(AdmissionRequest request, CancellationToken ct)
    {
        var outcome = await queue.SubmitAsync(request, ct);
        AdmissionMeter.DecidedInDatabase();
        return outcome;
    }
}
