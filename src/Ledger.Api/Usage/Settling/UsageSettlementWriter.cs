using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Telemetry;
using Ledger.Domain.Consumers;
using Ledger.Ingest.Admissions.Leases;
using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.Settling;

/// <summary>
/// The one write path of validated usage, whatever shape it was posted in (<c>POST /v1/usage</c>,
/// <c>POST /v1/integrations/litellm</c>, <c>POST /v1/traces</c>): records become events and go through the group commit.
/// </summary>
public sealed class UsageSettlementWriter(
    UsageIngestQueue queue, AdmissionRecorder admissions, CapCrossings crossings, ReservedIdentifiers reserved, TimeProvider clock)
{
    public sealed record Response(int Accepted, int Duplicates);

    /// <summary>Answers 202 only after the post's transaction committed; call only with validated records.</summary>
    public Task<IResult> SettleAsync(IReadOnlyList<UsageRecord?> records, ClaimsPrincipal user, CancellationToken ct) =>
        SettleAsync(records, user, r => Results.Json(new Response(r.Accepted, r.Duplicates), statusCode: StatusCodes.Status202Accepted), ct);

    /// <summary>As above, answered in the caller's own shape (OTLP answers with its own response message).</summary>
    public async Task<IResult> SettleAsync(IReadOnlyList<UsageRecord?> records, ClaimsPrincipal user, Func<IngestResult, IResult> answer, CancellationToken ct)
    {
        if (records.Count == 0) return answer(new IngestResult(0, 0));
        var org = user.OrganizationOf();
        var now = clock.GetUtcNow();
        var usage = records.Select(r => r!.ToEvent(org, reserved, now)).ToList();
        try
        {
            await admissions.StoredAsync(org, usage.Select(u => u.RequestId));
            var result = await queue.SubmitAsync(usage, ct);
            // Before the acknowledgement: no lease admits past a cap this usage reached (see CapCrossings).
            await crossings.SettledAsync(usage, ct);
            LedgerMeter.Settled(result.Accepted, result.Duplicates);
            return answer(result);
        }
        catch (IngestUnavailableException e)
        {
            return Problem.Unavailable(e.Message);
        }
    }
}
