using FluentValidation;
using Ledger.Domain.Consumers;
using Ledger.Domain.Consumers.Registering;

namespace Ledger.Api.Consumers.Registering;

/// <summary>Body of <c>POST /api/end-users/create</c>; a null cap is no cap.</summary>
public sealed record PreRegisterRequest(
    string? OrganizationId, string? EndUserId, decimal? MaxBudget, long? RpmLimit, long? TpmLimit, string? Notes)
{
    public RegistrationCaps Caps => new(MaxBudget, RpmLimit, TpmLimit, string.IsNullOrEmpty(Notes) ? null : Notes);
}

public sealed class PreRegisterRequestValidator : AbstractValidator<PreRegisterRequest>
{
    public PreRegisterRequestValidator(ReservedIdentifiers reserved)
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.EndUserId).ConsumerId(reserved);
        RuleFor(r => r.MaxBudget).Money();
        RuleFor(r => r.RpmLimit).Rate();
        RuleFor(r => r.TpmLimit).Rate();
        RuleFor(r => r.Notes).Notes();
    }
}
