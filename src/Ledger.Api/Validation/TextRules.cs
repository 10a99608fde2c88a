using FluentValidation;
using Ledger.Domain.Consumers;
using Ledger.Domain.Text;

namespace Ledger.Api.Validation;

/// <summary>The text rules every identifier and note on the wire shares.</summary>
public static class TextRules
{
    /// <summary>Whether a value read from a query string can be an identifier at all.</summary>
    public static bool IsIdentifier(string? s) => !string.IsNullOrEmpty(s) && s.Length <= EndUserId.MaxLength && !VisibleText.HasHidden(s);

    /// <summary>An opaque id (user, key, team, consumer): 1 to 200 characters, none of them control or invisible.</summary>
    public static IRuleBuilderOptions<T, string?> Identifier<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(EndUserId.MaxLength).Visible();

    /// <summary>No control or invisible characters (<see cref="VisibleText"/>): ids, tags, models, searches.</summary>
    public static IRuleBuilderOptions<T, string?> Visible<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(s => s is null || !VisibleText.HasHidden(s)).WithMessage($"'{{PropertyName}}' {VisibleText.Rule}.");

    /// <summary>Free text such as notes: line breaks and tabs are fine, other control characters are not.</summary>
    public static IRuleBuilderOptions<T, string?> FreeText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength)
            .Must(s => s is null || !s.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            .WithMessage("'{PropertyName}' must not contain control characters other than line breaks and tabs.");
}
