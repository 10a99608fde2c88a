using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Access;
using Ledger.Domain.Access.Tokens;

namespace Ledger.Api.Access.Tokens;

public static class IssueIngestTokenEndpoint
{
    public sealed record Response(string Token, Guid TokenId);

    /// <summary>A new ingest token for the gateway; revoke the old one with DELETE /api/tokens/{token_id} once it is in use.</summary>
    public static void MapIssueIngestToken(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/ingest-tokens", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>(StatusCodes.Status201Created);

    private static async Task<IResult> HandleAsync(
        IssueTokenRequest request, ClaimsPrincipal user, OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var (token, tokenId) = (BearerToken.New(), Guid.CreateVersion7());
        var decision = await writer.ChangeAsync(user.OrganizationOf(),
            org => IssueToken.ForGateway(org, user.ActorOf(), tokenId, BearerToken.Hash(token), clock.GetUtcNow()), ct);
        return decision.Refusal is { } refusal
            ? Problem.Refused(refusal)
            : Results.Json(new Response(token, tokenId), statusCode: StatusCodes.Status201Created);
    }
}
