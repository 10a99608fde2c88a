using System.Security.Claims;
using FluentValidation;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Access;
using Ledger.Domain.Access.Members;
using Ledger.Domain.Decisions;

namespace Ledger.Api.Access.Members;

public sealed record AddMemberRequest(string? OrganizationId, string? UserId, string? Role);

public sealed class AddMemberRequestValidator : AbstractValidator<AddMemberRequest>
{
    public AddMemberRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.UserId).Custom((userId, context) =>
        {
            if (MemberId.Problem(userId) is { } problem) context.AddFailure(problem);
        });
        RuleFor(r => r.Role).Must(r => MemberRoles.Parse(r) is not null)
            .WithMessage($"'role' must be one of {string.Join(", ", MemberRoles.Names)}.");
    }
}

public static class AddMemberEndpoint
{
    /// <summary>The token is in this answer and nowhere else: only its hash is stored.</summary>
    public sealed record Response(string UserId, string Role, string Token, Guid TokenId);

    public static void MapAddMember(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/members", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        AddMemberRequest request, ClaimsPrincipal user, OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var (refusal, added) = await AddAsync(user, request.UserId!, MemberRoles.Parse(request.Role)!.Value, writer, clock, ct);
        return refusal is not null ? Problem.Refused(refusal) : Results.Json(added, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Adds the member as the caller (this endpoint and the members page): the new member and its first token, or why not.</summary>
    public static async Task<(Refusal? Refusal, Response? Added)> AddAsync(
        ClaimsPrincipal user, string userId, Role role, OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var (token, tokenId, now) = (BearerToken.New(), Guid.CreateVersion7(), clock.GetUtcNow());
        var decision = await writer.ChangeAsync(user.OrganizationOf(),
            org => AddMember.Decide(org, user.ActorOf(), userId, role, tokenId, BearerToken.Hash(token), now), ct);
        return decision.Refusal is { } refusal ? (refusal, null) : (null, new Response(userId, MemberRoles.Name(role), token, tokenId));
    }
}
