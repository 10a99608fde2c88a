using System.Globalization;
using FluentValidation.Results;
using Ledger.Domain.Text;

namespace Ledger.Api.Dashboard.Consumers;

/// <summary>
/// A form the Consumers page was sent, read as the JSON endpoints read their bodies: text in NFC,
/// a blank field as null (no cap), a figure that does not parse as an error. Errors are keyed by
/// the wire name of the field, as the validators and refusals name them, so each shows beside its field.
/// </summary>
public sealed class PostedForm(IFormCollection form)
{
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid => Errors.Count == 0;

    /// <summary>What was typed, as typed, to show again after a refusal.</summary>
    public string? Raw(string name) => form[name].ToString() is { Length: > 0 } s ? s : null;

    public string? Text(string name) => Raw(name) is { } s ? VisibleText.Nfc(s) : null;

    public long? Whole(string name) => Figure<long>(name, "a whole number", s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : (long?)null);

    public decimal? Number(string name) => Figure<decimal>(name, "a number",
        s => decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v : (long?)null);

    /// <summary>Adds the validator's errors (the first per field), unless the field already has one.</summary>
    public void Add(ValidationResult result)
    {
        foreach (var error in result.Errors) Errors.TryAdd(error.PropertyName, error.ErrorMessage);
    }

    public void Add(string field, string message) => Errors.TryAdd(field, message);

    private T? Figure<T>(string name, string kind, Func<string, T?> parse) where T : struct
    {
        if (Raw(name)?.Trim() is not { Length: > 0 } s) return null;
        if (parse(s) is { } value) return value;
        Errors.TryAdd(name, $"'{name}' must be {kind}, or blank for no cap.");
        return null;
    }
}
