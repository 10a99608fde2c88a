using System.Globalization;
using Ledger.Api.Admissions;
using Ledger.Api.Dashboard.Shell;

namespace Ledger.Api.Dashboard.Keys;

/// <summary>A key's or team's caps as typed into <see cref="CapFields"/>: blank is no cap, anything else must be a number.</summary>
public static class CapsForm
{
    public sealed record Values(string? RpmLimit, string? TpmLimit, string? MaxBudget)
    {
        public static Values Of(RateLimitsView l) => new(
            l.RpmLimit?.ToString(CultureInfo.InvariantCulture), l.TpmLimit?.ToString(CultureInfo.InvariantCulture),
            l.MaxBudget?.ToString(CultureInfo.InvariantCulture));
    }

    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["rpm_limit"] = "RPM limit",
        ["tpm_limit"] = "TPM limit",
        ["max_budget"] = "Max budget",
        ["key_id"] = "Key ID",
        ["team_id"] = "Team ID",
        ["owner_user_id"] = "Owner",
    };

    public static Values Posted(IFormCollection form) => new(form["rpm_limit"].ToString().Trim(), form["tpm_limit"].ToString().Trim(), form["max_budget"].ToString().Trim());

    /// <summary>The endpoints' request for these values, or null with the unreadable fields named in errors.</summary>
    public static RateLimitsRequest? Read(Values values, Guid organizationId, FieldErrors errors)
    {
        var rpm = Whole(values.RpmLimit, "rpm_limit", errors);
        var tpm = Whole(values.TpmLimit, "tpm_limit", errors);
        decimal? budget = null;
        if (!string.IsNullOrEmpty(values.MaxBudget))
        {
            if (decimal.TryParse(values.MaxBudget.TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out var usd)) budget = usd;
            else errors.Add("max_budget", "Max budget must be an amount in USD, such as 25 or 12.50.");
        }
        return errors.Any ? null : new RateLimitsRequest(organizationId.ToString(), rpm, tpm, budget);
    }

    private static long? Whole(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (long.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n)) return n;
        errors.Add(field, $"{Labels[field]} must be a whole number.");
        return null;
    }
}
