using FluentValidation;
using Ledger.Domain.Consumers;

namespace Ledger.Api.Validation;

/// <summary>The text rules every identifier and note on the wire shares.</summary>
public static class TextRules
{
    /// <summary>Whether a value read from a query string can be an identifier at all.</summary>
    public static bool IsIdentifier(string? s) => !string.IsNullOrEmpty(s) && s.Length <= EndUserId.MaxLength && !s.Any(char.IsControl);

    /// <summary>An opaque id (user, key, team, consumer): 1 to 200 characters, no control characters.</summary>
    public static IRuleBuilderOptions<T, string?> Identifier<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(EndUserId.MaxLength)
            .Must(s => s is null || !s.Any(char.IsControl)).WithMessage("'{PropertyName}' must not contain control characters.");

    /// <summary>Free text such as notes: line breaks and tabs are fine, other control characters are not.</summary>
    public static IRuleBuilderOptions<T, string?> FreeText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength)
            .Must(s => s is null || !s.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            .WithMessage("'{PropertyName}' must not contain control characters other than line breaks and tabs.");
}
