using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Telemetry;
using Ledger.Api.Validation;
using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.Settling;

public static class SettleUsageEndpoint
{
    public static void MapSettleUsage(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/usage", (UsagePost post, ClaimsPrincipal user, UsageSettlementWriter writer, CancellationToken ct) =>
                writer.SettleAsync(post.Records, user, ct))
            .RequireAuthorization(Policies.Ingest)
            .CountsRefusedUsage()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(UsagePost.MaxBodyBytes)) // above the server's JSON default
            .AddEndpointFilter<ValidationFilter>()
            .Accepts<UsageRecord[]>("application/json")
            .Produces<UsageSettlementWriter.Response>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();
}
