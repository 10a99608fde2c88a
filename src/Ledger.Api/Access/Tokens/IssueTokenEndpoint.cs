using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Access;
using Ledger.Domain.Access.Tokens;
using Ledger.Domain.Decisions;

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
        var (refusal, issued) = await IssueAsync(user, userId, writer, clock, ct);
        return refusal is not null ? Problem.Refused(refusal) : Results.Json(issued, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Mints the token as the caller (this endpoint and the members page): the token, or why not.</summary>
    public static async Task<(Refusal? Refusal, Response? Issued)> IssueAsync(
        ClaimsPrincipal user, string userId, OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var (token, tokenId) = (BearerToken.New(), Guid.CreateVersion7());
        var decision = await writer.ChangeAsync(user.OrganizationOf(),
            org => IssueToken.Decide(org, user.ActorOf(), userId, tokenId, BearerToken.Hash(token), clock.GetUtcNow()), ct);
        return decision.Refusal is { } refusal ? (refusal, null) : (null, new Response(userId, token, tokenId));
    }
}
