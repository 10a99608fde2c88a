using System.Security.Claims;
using FluentValidation;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Api.Webhooks.Delivering;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Webhooks.Registering;

public sealed record RegisterWebhookRequest(string? OrganizationId, string? Url, string[]? Events, string? Description);

public sealed class RegisterWebhookRequestValidator : AbstractValidator<RegisterWebhookRequest>
{
    public const int MaxUrlLength = 2000;

    public RegisterWebhookRequestValidator(IOptions<WebhookOptions> options)
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.Url).NotEmpty().MaximumLength(MaxUrlLength)
            .Must((_, url, context) => AddressPolicy.Refusal(url!, options.Value.AllowPrivateAddresses) is not { } refusal
                || Fail(context, refusal))
            .WithMessage("{Refusal}");
        RuleFor(r => r.Events).NotEmpty()
            .Must(events => events!.All(e => WebhookEvents.All.Contains(e)) && events!.Distinct().Count() == events!.Length)
            .WithMessage($"must list distinct events of: {string.Join(", ", WebhookEvents.All)}.");
        RuleFor(r => r.Description).FreeText(500);
    }

    private static bool Fail(ValidationContext<RegisterWebhookRequest> context, string refusal)
    {
        context.MessageFormatter.AppendArgument("Refusal", refusal);
        return false;
    }
}

public static class RegisterWebhookEndpoint
{
    /// <summary>201 with the webhook and its signing secret, shown this once.</summary>
    public static void MapRegisterWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<RegisteredWebhook>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        RegisterWebhookRequest request, ClaimsPrincipal user, WebhookWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        if (!writer.CanSeal)
            return Problem.Unavailable($"Webhook secrets are stored sealed under {KeyEncryption.Setting}, which is not set on this node (docs/operations.md).");
        var (hook, secret) = await writer.RegisterAsync(user.OrganizationOf(), request.Url!, request.Events!, request.Description,
            user.ActorOf(), clock.GetUtcNow(), ct);
        return Results.Json(new RegisteredWebhook(hook.Id, hook.OrganizationId, hook.Url, hook.Events, hook.Description, hook.CreatedAt, secret),
            statusCode: StatusCodes.Status201Created);
    }
}
