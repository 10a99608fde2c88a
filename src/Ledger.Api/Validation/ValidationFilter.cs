using System.Text.Json;
using FluentValidation;

namespace Ledger.Api.Validation;

/// <summary>
/// The one place shape validation runs: every endpoint argument with a FluentValidation validator
/// is validated before the handler, and failures answer 400 with a problem document whose
/// <c>errors</c> name each field (snake_case, with the record index inside a batch).
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
        foreach (var argument in context.Arguments)
        {
            if (argument is null) continue;
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
