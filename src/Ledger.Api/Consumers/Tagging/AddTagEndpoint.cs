using System.Security.Claims;
using FluentValidation;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers.Tagging;

namespace Ledger.Api.Consumers.Tagging;

public sealed record AddTagRequest(string? OrganizationId, string? EndUserId, string? Tag);

public sealed class AddTagRequestValidator : AbstractValidator<AddTagRequest>
{
    public AddTagRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.EndUserId).Identifier();
        RuleFor(r => r.Tag).NotEmpty().MaximumLength(TagConsumer.MaxLength).Visible();
    }
}

public static class AddTagEndpoint
{
    /// <summary>201 with the new tag; 200 with the existing one when the consumer has that tag already.</summary>
    public static void MapAddTag(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/end-users/tags", HandleAsync)
            .RequireAuthorization(Policies.Tag)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<TagView>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        AddTagRequest request, ClaimsPrincipal user, ConsumerScope scope, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var outcome = await TagCommand.AddAsync(request, user, scope, writer, clock, ct);
        return outcome switch
        {
            { Hidden: true } => Problem.NotFound("consumer"),
            { Refusal: { } refusal } => Problem.Refused(refusal),
            { Created: true } => Results.Json(outcome.Tag, statusCode: StatusCodes.Status201Created),
            _ => Results.Ok(outcome.Tag),
        };
    }
}
