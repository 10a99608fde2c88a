using FluentValidation;
using Ledger.Api.Consumers;
using Ledger.Domain.Admissions;

namespace Ledger.Api.Admissions;

/// <summary>Body of <c>PUT /api/keys/{key_id}/limits</c> and <c>PUT /api/teams/{team_id}/limits</c>: the caps, whole; null is no cap.</summary>
public sealed record RateLimitsRequest(string? OrganizationId, long? RpmLimit, long? TpmLimit, decimal? MaxBudget)
{
    public RateLimits Limits => new(RpmLimit, TpmLimit, MaxBudget);
}

public sealed class RateLimitsRequestValidator : AbstractValidator<RateLimitsRequest>
{
    public RateLimitsRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.RpmLimit).Rate();
        RuleFor(r => r.TpmLimit).Rate();
        RuleFor(r => r.MaxBudget).Money();
    }
}

/// <summary>A key's or team's caps on the wire.</summary>
public sealed record RateLimitsView(long? RpmLimit, long? TpmLimit, decimal? MaxBudget)
{
    public static RateLimitsView Of(RateLimits l) => new(l.RpmLimit, l.TpmLimit, l.MaxBudget);
}
