using System.Security.Claims;
using FluentValidation;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Access;
using Ledger.Domain.Access.Members;
using Ledger.Domain.Decisions;

namespace Ledger.Api.Access.Members;

public sealed record ChangeRoleRequest(string? OrganizationId, string? Role);

public sealed class ChangeRoleRequestValidator : AbstractValidator<ChangeRoleRequest>
{
    public ChangeRoleRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.Role).Must(r => MemberRoles.Parse(r) is not null)
            .WithMessage($"'role' must be one of {string.Join(", ", MemberRoles.Names)}.");
    }
}

public static class ChangeRoleEndpoint
{
    public sealed record Response(string UserId, string Role);

    /// <summary>Every token the member holds acts with the new role from the next request on.</summary>
    public static void MapChangeRole(this IEndpointRouteBuilder app) =>
        app.MapPut("/api/members/{user_id}", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>()
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "user_id")] string userId, ChangeRoleRequest request, ClaimsPrincipal user,
        OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var role = MemberRoles.Parse(request.Role)!.Value;
        var decision = await ChangeAsync(user, userId, role, writer, clock, ct);
        return decision.Refusal is { } refusal ? Problem.Refused(refusal) : Results.Ok(new Response(userId, MemberRoles.Name(role)));
    }

    /// <summary>Changes the role as the caller (this endpoint and the members page).</summary>
    public static Task<Decision> ChangeAsync(
        ClaimsPrincipal user, string userId, Role role, OrganizationWriter writer, TimeProvider clock, CancellationToken ct) =>
        writer.ChangeAsync(user.OrganizationOf(), org => ChangeRole.Decide(org, user.ActorOf(), userId, role, clock.GetUtcNow()), ct);
}
