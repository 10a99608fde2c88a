using FluentValidation;
using Ledger.Ingest;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Usage.Settling;

/// <summary>
/// The rules of every usage post, whatever its shape: a batch is refused whole when any record is
/// invalid; errors are keyed records[i].field, the field named as the caller sent it.
/// </summary>
public abstract class UsageBatchValidator<T> : AbstractValidator<T> where T : IUsageBatch
{
    protected UsageBatchValidator(IOptions<IngestOptions> options, TimeProvider clock)
    {
        RuleFor(p => p.Records).NotEmpty().WithMessage("A batch must hold at least one usage record.")
            .Must(r => r.Count <= options.Value.MaxRecordsPerPost)
            .WithMessage($"A batch holds at most {options.Value.MaxRecordsPerPost} usage records.");
        RuleFor(p => p).Custom((post, context) =>
        {
            if (post.Records.Count > options.Value.MaxRecordsPerPost) return;
            var now = clock.GetUtcNow();
            for (var i = 0; i < post.Records.Count; i++)
                foreach (var (field, message) in UsageBatchProblems.Of(post, post.Records[i], now))
                    context.AddFailure(Path(post.IsBatch ? $"records[{i}]" : "", field), message);
        });
    }

    private static string Path(string record, string field) =>
        record.Length == 0 ? (field.Length == 0 ? "body" : field) : field.Length == 0 ? record : $"{record}.{field}";
}
