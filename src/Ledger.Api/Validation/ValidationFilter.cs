using System.Text.Json;
using FluentValidation;
using Ledger.Domain.Text;

namespace Ledger.Api.Validation;

/// <summary>
/// The one place shape validation runs: every endpoint argument with a FluentValidation validator
/// is validated before the handler, and failures answer 400 with a problem document whose
/// <c>errors</c> name each field (snake_case, with the record index inside a batch). Text taken
/// straight from the route or query string is brought to NFC first, as JSON bodies are on reading
/// (<see cref="NfcStringConverter"/>).
/// </summary>
public sealed class ValidationFilter : IEndpointFilter
{
    /// <summary>
    /// Names fields as they are on the wire. Validators capture names when first built, so this
    /// runs once at start-up, before any validator is (an import uses one outside this filter).
    /// </summary>
    public static void UseWireNames()
    {
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : Snake(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : Snake(member.Name);
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            if (context.Arguments[i] is string text) context.Arguments[i] = VisibleText.Nfc(text);
            if (context.Arguments[i] is not { } argument) continue;
            var validatorType = typeof(IValidator<>).MakeGenericType(argument.GetType());
            if (context.HttpContext.RequestServices.GetService(validatorType) is not IValidator validator) continue;
            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            if (!result.IsValid)
                return Results.ValidationProblem(result.ToDictionary(), title: "The request is invalid.",
                    detail: string.Join(" ", result.Errors.Take(3).Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        }
        return await next(context);
    }

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
