using FluentValidation;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Money;
using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Admissions.Admitting;

/// <summary>Body of <c>POST /v1/admissions</c>. Ids follow the same rules as in <c>POST /v1/usage</c>, which settles the request later.</summary>
public sealed record AdmissionPost(
    string? RequestId, string? KeyId, string? TeamId, string? User, string? Model, long? EstimatedInputTokens, decimal? EstimatedCostUsd)
{
    /// <summary>The request to decide; call only on a validated post.</summary>
    public AdmissionRequest ToRequest(Guid organizationId, ReservedIdentifiers reserved) => new(
        organizationId, RequestId!, KeyId!, string.IsNullOrEmpty(TeamId) ? null : TeamId, reserved.Attribute(User), Model!,
        EstimatedInputTokens, Usd.Round(EstimatedCostUsd ?? 0m));
}

public sealed class AdmissionPostValidator : AbstractValidator<AdmissionPost>
{
    public AdmissionPostValidator()
    {
        RuleFor(p => p).Custom((p, context) =>
        {
            foreach (var problem in Problems(p)) context.AddFailure(problem.Field, problem.Message);
        });
    }

    private static IEnumerable<(string Field, string Message)> Problems(AdmissionPost p)
    {
        if (UsageRecordRules.Text("request_id", p.RequestId, required: true) is { } a) yield return a;
        if (UsageRecordRules.Text("key_id", p.KeyId, required: true) is { } b) yield return b;
        if (UsageRecordRules.Text("team_id", p.TeamId, required: false) is { } c) yield return c;
        if (UsageRecordRules.Text("user", p.User, required: false, EndUserId.MaxLength) is { } d) yield return d;
        if (UsageRecordRules.Text("model", p.Model, required: true) is { } e) yield return e;
        if (p.EstimatedInputTokens is not null && UsageRecordRules.Count("estimated_input_tokens", p.EstimatedInputTokens) is { } f) yield return f;
        if (p.EstimatedCostUsd is < 0 or > UsageRecordRules.MaxCostUsd)
            yield return ("estimated_cost_usd", $"'estimated_cost_usd' must be from 0 to {UsageRecordRules.MaxCostUsd}.");
    }
}
