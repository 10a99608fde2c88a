using FluentValidation;
using Ledger.Ingest;
using Ledger.Ingest.Usage.Settling;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Usage.Settling;

/// <summary>A batch is refused whole when any record is invalid; errors are keyed records[i].field.</summary>
public sealed class UsagePostValidator : AbstractValidator<UsagePost>
{
    public UsagePostValidator(IOptions<IngestOptions> options)
    {
        RuleFor(p => p.Records).NotEmpty().WithMessage("A batch must hold at least one usage record.")
            .Must(r => r.Count <= options.Value.MaxRecordsPerPost)
            .WithMessage($"A batch holds at most {options.Value.MaxRecordsPerPost} usage records.");
        RuleForEach(p => p.Records).SetValidator(new UsageRecordValidator()).When(p => p.IsBatch);
        RuleFor(p => p.Records[0]).SetValidator(new UsageRecordValidator()).OverridePropertyName("").When(p => !p.IsBatch);
    }
}
