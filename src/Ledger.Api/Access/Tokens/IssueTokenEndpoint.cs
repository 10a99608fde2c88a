using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Access;
using Ledger.Domain.Access.Tokens;

namespace Ledger.Api.Access.Tokens;

public sealed record IssueTokenRequest(string? OrganizationId);

public static class IssueTokenEndpoint
{
    public sealed record Response(string UserId, string Token, Guid TokenId);

    /// <summary>Another token for an existing member, e.g. to rotate one before revoking the old.</summary>
    public static void MapIssueToken(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/members/{user_id}/tokens", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>(StatusCodes.Status201Created);

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "user_id")] string userId, IssueTokenRequest request, ClaimsPrincipal user,
        OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var (token, tokenId) = (BearerToken.New(), Guid.CreateVersion7());
        var decision = await writer.ChangeAsync(user.OrganizationOf(),
            org => IssueToken.Decide(org, user.ActorOf(), userId, tokenId, BearerToken.Hash(token), clock.GetUtcNow()), ct);
        return decision.Refusal is { } refusal
            ? Problem.Refused(refusal)
            : Results.Json(new Response(userId, token, tokenId), statusCode: StatusCodes.Status201Created);
    }
}
