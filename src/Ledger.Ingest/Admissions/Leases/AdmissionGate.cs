using Ledger.Domain.Admissions;
using Microsoft.Extensions.Options;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// Decides one admission: a retry as it was answered before; else in memory, from this node's
/// leases of every scope of the request, storing it after the answer (<see cref="AdmissionRecorder"/>);
/// else in the database (<see cref="AdmissionQueue"/>), whose transaction also leases the scopes to
/// this node for its next requests.
/// </summary>
public sealed class AdmissionGate(
    NodeLeases leases, RecentAdmissions recent, AdmissionQueue queue, AdmissionRecorder recorder, TimeProvider clock,
    IOptions<AdmissionOptions> options)
{
    public async Task<AdmissionOutcome> DecideAsync(AdmissionRequest request, CancellationToken ct)
    {
        if (options.Value.LeaseTerm <= TimeSpan.Zero) return await InDatabaseAsync(request, ct);
        var now = ScopeStates.ToMicroseconds(clock.GetUtcNow());
        switch (recent.Find(request.OrganizationId, request.RequestId))
        {
            // Its reservation may have been settled on another node or expired since: the database knows.
            case AdmissionOutcome.Admitted a when a.ExpiresAt <= now:
                return await InDatabaseAsync(request, ct);
            case { } answered:
                AdmissionMeter.AnsweredAsBefore();
                return answered;
        }

        AdmissionOutcome outcome;
        if (leases.TryAdmit(request, now) is { } spentFrom)
        {
            var admitted = new AdmissionOutcome.Admitted(Guid.CreateVersion7(), now + options.Value.ReservationTtl);
            await recorder.RecordAsync(new LeasedAdmission(request, admitted, now, spentFrom));
            AdmissionMeter.DecidedFromLease();
            outcome = admitted;
        }
        else outcome = await InDatabaseAsync(request, ct);
        recent.Remember(request, outcome);
        return outcome;
    }

    private async Task<AdmissionOutcome> InDatabaseAsync(AdmissionRequest request, CancellationToken ct)
    {
        var outcome = await queue.SubmitAsync(request, ct);
        AdmissionMeter.DecidedInDatabase();
        return outcome;
    }
}
