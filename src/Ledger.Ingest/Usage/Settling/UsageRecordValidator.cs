using FluentValidation;
using Ledger.Domain.Consumers;

namespace Ledger.Ingest.Usage.Settling;

public sealed class UsageRecordValidator : AbstractValidator<UsageRecord>
{
    public const int MaxIdLength = 200;
    public const int MaxNameLength = 200;

    public UsageRecordValidator()
    {
        RuleFor(r => r.RequestId).NotEmpty().MaximumLength(MaxIdLength).Must(NoControlCharacters)
            .WithMessage("'request_id' must not contain control characters.");
        RuleFor(r => r.KeyId).NotEmpty().MaximumLength(MaxIdLength).Must(NoControlCharacters)
            .WithMessage("'key_id' must not contain control characters.");
        RuleFor(r => r.TeamId).MaximumLength(MaxIdLength).Must(NoControlCharacters)
            .WithMessage("'team_id' must not contain control characters.");
        RuleFor(r => r.User).MaximumLength(EndUserId.MaxLength).Must(NoControlCharacters)
            .WithMessage("'user' must not contain control characters.");
        RuleFor(r => r.Model).NotEmpty().MaximumLength(MaxNameLength).Must(NoControlCharacters)
            .WithMessage("'model' must not contain control characters.");
        RuleFor(r => r.Provider).MaximumLength(MaxNameLength).Must(NoControlCharacters)
            .WithMessage("'provider' must not contain control characters.");
        RuleFor(r => r.InputTokens).NotNull().GreaterThanOrEqualTo(0);
        RuleFor(r => r.OutputTokens).NotNull().GreaterThanOrEqualTo(0);
        RuleFor(r => r.CostUsd).NotNull().GreaterThanOrEqualTo(0).LessThan(1_000_000_000m);
        RuleFor(r => r.Status).NotEmpty().Must(UsageStatuses.IsKnown)
            .WithMessage("'status' must be 'success' or 'error'.");
        RuleFor(r => r.LatencyMs).GreaterThanOrEqualTo(0);
    }

    private static bool NoControlCharacters(string? value) => value is null || !value.Any(char.IsControl);
}
