using FluentValidation.Results;
using Ledger.Domain.Decisions;

namespace Ledger.Api.Dashboard.Shell;

/// <summary>
/// What was wrong with one posted form, by field as the API names it (<c>user_id</c>, <c>rpm_limit</c>),
/// worded with the labels the page shows, so each message can sit next to its field.
/// </summary>
public sealed class FieldErrors(string form, IReadOnlyDictionary<string, string> labels)
{
    private readonly Dictionary<string, string> _byField = new(StringComparer.Ordinal);

    /// <summary>The form (its form name) these errors belong to.</summary>
    public string Form { get; } = form;

    public bool Any => _byField.Count > 0;

    public string? this[string field] => _byField.GetValueOrDefault(field);

    /// <summary>Messages for fields the form does not show (e.g. organization_id): shown above the form.</summary>
    public IEnumerable<string> Others => _byField.Where(e => !labels.ContainsKey(e.Key)).Select(e => e.Value);

    public void Add(string field, string message)
    {
        foreach (var (name, label) in labels) message = message.Replace($"'{name}'", label, StringComparison.Ordinal);
        _byField.TryAdd(field, message);
    }

    public void Add(ValidationResult result)
    {
        foreach (var error in result.Errors) Add(error.PropertyName, error.ErrorMessage);
    }

    public void Add(Refusal refusal) => Add(refusal.Field, refusal.Message);

    /// <summary>For aria-invalid: "true" or nothing.</summary>
    public string? Invalid(string field) => _byField.ContainsKey(field) ? "true" : null;
}
