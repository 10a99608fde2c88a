using Ledger.Api.Usage.Settling;
using Ledger.Ingest.Usage.Settling;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Ledger.Api.Usage.Otlp;

/// <summary>
/// The GenAI usage of one OTLP export. Unlike the other posts, a span that breaks a record rule
/// refuses only itself: OTLP answers with partial success, counting the spans it refused, and
/// stores the rest. Spans without GenAI usage are neither stored nor counted.
/// </summary>
public sealed class OtlpPost : IUsageBatch
{
    /// <summary>How many refusals the answer's error_message spells out.</summary>
    private const int ProblemsTold = 3;

    private static readonly Dictionary<string, string> WireNames = new(StringComparer.Ordinal)
    {
        ["request_id"] = "span_id",
        ["key_id"] = "ledger.key_id",
        ["team_id"] = "ledger.team_id",
        ["user"] = "user.id",
        ["model"] = "gen_ai.response.model",
        ["provider"] = "gen_ai.provider.name",
        ["input_tokens"] = "gen_ai.usage.input_tokens",
        ["output_tokens"] = "gen_ai.usage.output_tokens",
        ["cost_usd"] = "gen_ai.usage.cost",
        ["latency_ms"] = "end_time_unix_nano",
        ["occurred_at"] = "start_time_unix_nano",
    };

    private readonly List<UsageRecord?> _records = [];
    private readonly List<string> _problems = [];

    /// <summary>The spans that map onto valid usage records: the ones stored.</summary>
    public IReadOnlyList<UsageRecord?> Records => _records;

    public bool IsBatch => true;

    public int Rejected { get; private set; }

    public string WireName(string field) => WireNames.GetValueOrDefault(field, field);

    public static OtlpPost Of(ExportTraceServiceRequest request, DateTimeOffset now)
    {
        var post = new OtlpPost();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = GenAiAttributes.Of(resourceSpans.Resource?.Attributes ?? []);
            foreach (var scope in resourceSpans.ScopeSpans)
                foreach (var span in scope.Spans)
                    if (GenAiSpan.Read(span, resource) is var (record, problem))
                        post.Add(record, problem ?? UsageBatchProblems.Of(post, record, now).Select(p => p.Message).FirstOrDefault());
        }
        return post;
    }

    public ExportTraceServiceResponse Answer() => Rejected == 0 ? new() : new()
    {
        PartialSuccess = new ExportTracePartialSuccess
        {
            RejectedSpans = Rejected,
            ErrorMessage = $"{Rejected} GenAI span(s) refused, nothing stored for them: {string.Join(" ", _problems)}",
        },
    };

    private void Add(UsageRecord record, string? problem)
    {
        if (problem is null)
        {
            _records.Add(record);
            return;
        }
        Rejected++;
        if (_problems.Count < ProblemsTold) _problems.Add($"span {record.RequestId ?? "(no id)"}: {problem}");
    }
}
