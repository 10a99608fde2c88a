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
/// <c>POST /v1/integrations/litellm</c>): records become events and go through the group commit.
/// </summary>
public sealed class UsageSettlementWriter(UsageIngestQueue queue, CapCrossings crossings, ReservedIdentifiers reserved, TimeProvider clock)
{
    public sealed record Response(int Accepted, int Duplicates);

    /// <summary>Answers 202 only after the post's transaction committed; call only with validated records.</summary>
    public async Task<IResult> SettleAsync(IReadOnlyList<UsageRecord?> records, ClaimsPrincipal user, CancellationToken ct)
    {
        var org = user.OrganizationOf();
        var now = clock.GetUtcNow();
        var usage = records.Select(r => r!.ToEvent(org, reserved, now)).ToList();
        try
        {
            var result = await queue.SubmitAsync(usage, ct);
            // Before the acknowledgement: no lease admits past a cap this usage reached (see CapCrossings).
            await crossings.SettledAsync(org, usage, ct);
            LedgerMeter.Settled(result.Accepted, result.Duplicates);
            return Results.Json(new Response(result.Accepted, result.Duplicates), statusCode: StatusCodes.Status202Accepted);
        }
        catch (IngestUnavailableException e)
        {
            return Problem.Unavailable(e.Message);
        }
    }
}
