using System.Security.Claims;
using FluentValidation;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers;
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
        var (org, endUserId, tag) = (user.OrganizationOf(), request.EndUserId!, request.Tag!);
        if (!await scope.CanSeeAsync(user, endUserId, ct)) return Problem.NotFound("consumer");

        ConsumerTag? existing = null;
        var (tagId, now) = (Guid.CreateVersion7(), clock.GetUtcNow());
        var decision = await writer.ChangeAsync(org, endUserId, consumer =>
        {
            existing = consumer?.Tags.FirstOrDefault(t => t.Tag == tag);
            return TagConsumer.Add(consumer, tag, tagId, user.ActorOf(), now);
        }, ct);
        if (decision.Refusal is { } refusal) return Problem.Refused(refusal);
        return existing is null
            ? Results.Json(new TagView(tagId, endUserId, tag, now), statusCode: StatusCodes.Status201Created)
            : Results.Ok(new TagView(existing.Id, endUserId, tag, existing.CreatedAt));
    }
}
