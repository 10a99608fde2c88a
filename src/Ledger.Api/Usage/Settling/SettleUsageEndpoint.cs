using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Telemetry;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers;
using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.Settling;

public static class SettleUsageEndpoint
{
    public sealed record Response(int Accepted, int Duplicates);

    public static void MapSettleUsage(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/usage", HandleAsync)
            .RequireAuthorization(Policies.Ingest)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(UsagePost.MaxBodyBytes)) // above the server's JSON default
            .AddEndpointFilter<ValidationFilter>()
            .Accepts<UsageRecord[]>("application/json")
            .Produces<Response>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();

    /// <summary>Answers 202 only after the post's transaction committed.</summary>
    private static async Task<IResult> HandleAsync(
        UsagePost post, ClaimsPrincipal user, UsageIngestQueue queue, ReservedIdentifiers reserved,
        TimeProvider clock, CancellationToken ct)
    {
        var org = user.OrganizationOf();
        var now = clock.GetUtcNow();
        var usage = post.Records.Select(r => r!.ToEvent(org, reserved, now)).ToList();
        try
        {
            var result = await queue.SubmitAsync(usage, ct);
            LedgerMeter.Settled(result.Accepted, result.Duplicates);
            return Results.Json(new Response(result.Accepted, result.Duplicates), statusCode: StatusCodes.Status202Accepted);
        }
        catch (IngestUnavailableException e)
        {
            return Problem.Unavailable(e.Message);
        }
    }
}
