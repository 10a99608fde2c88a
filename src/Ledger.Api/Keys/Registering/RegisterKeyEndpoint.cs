using System.Security.Claims;
using FluentValidation;
using Ledger.Api.Access;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Decisions;
using Ledger.Domain.Keys;
using Ledger.Domain.Keys.Registering;

namespace Ledger.Api.Keys.Registering;

public sealed record RegisterKeyRequest(string? OrganizationId, string? KeyId, string? TeamId, string? OwnerUserId);

public sealed class RegisterKeyRequestValidator : AbstractValidator<RegisterKeyRequest>
{
    public RegisterKeyRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.KeyId).Identifier();
        RuleFor(r => r.TeamId).Identifier().When(r => r.TeamId is not null);
        RuleFor(r => r.OwnerUserId).Identifier();
    }
}

public static class RegisterKeyEndpoint
{
    public sealed record Response(string KeyId, string? TeamId, string OwnerUserId);

    /// <summary>201 for a new key; 200 when it was registered already (and, if owner or team differ, reassigned).</summary>
    public static void MapRegisterKey(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/keys", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        RegisterKeyRequest request, ClaimsPrincipal user, OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var decision = await RegisterAsync(user, request, writer, clock, ct);
        if (decision.Refusal is { } refusal) return Problem.Refused(refusal);
        var response = new Response(request.KeyId!, request.TeamId, request.OwnerUserId!);
        return decision.Events.FirstOrDefault() is KeyRegistered
            ? Results.Json(response, statusCode: StatusCodes.Status201Created)
            : Results.Ok(response);
    }

    /// <summary>Registers (or reassigns) the key as the caller, for this endpoint and the keys page; the request is valid.</summary>
    public static Task<Decision> RegisterAsync(
        ClaimsPrincipal user, RegisterKeyRequest request, OrganizationWriter writer, TimeProvider clock, CancellationToken ct) =>
        writer.ChangeAsync(user.OrganizationOf(),
            org => RegisterKey.Decide(org, user.ActorOf(), request.KeyId!, request.TeamId, request.OwnerUserId!, clock.GetUtcNow()), ct);
}
