using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Telemetry;
using Ledger.Api.Usage.Settling;
using Ledger.Api.Validation;

namespace Ledger.Api.Usage.LiteLlm;

/// <summary>LiteLLM's generic_api logger posts here (docs/integrations.md); its usage settles as <c>POST /v1/usage</c> does.</summary>
public static class LiteLlmEndpoint
{
    public static void MapLiteLlmUsage(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/integrations/litellm", (LiteLlmPost post, ClaimsPrincipal user, UsageSettlementWriter writer, CancellationToken ct) =>
                writer.SettleAsync(post.Records, user, ct))
            .RequireAuthorization(Policies.Ingest)
            .CountsRefusedUsage()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(UsagePost.MaxBodyBytes)) // as /v1/usage
            .AddEndpointFilter<ValidationFilter>()
            // No Accepts(): it would answer 415 to a Content-Type it does not list, and the body is told apart by itself.
            .WithDescription("The body LiteLLM's generic_api logger posts, in any log_format (json_array, ndjson, single), whatever its Content-Type.")
            .Produces<UsageSettlementWriter.Response>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();
}
