using System.Globalization;
using Ledger.Domain.Text;
using Ledger.Ingest.Usage.Settling;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using static OpenTelemetry.Proto.Common.V1.AnyValue;

namespace Ledger.Api.Usage.Otlp;

/// <summary>A span that reports GenAI usage, read as a <see cref="UsageRecord"/> (docs/integrations.md has the mapping).</summary>
public static class GenAiSpan
{
    /// <summary>The key of usage whose span and resource name none (no <c>ledger.key_id</c>, no <c>service.name</c>).</summary>
    public const string DefaultKeyId = "otlp";

    /// <summary>Null for a span with no token counts (not GenAI usage: ignored); else the record, and why it cannot be read when it cannot.</summary>
    public static (UsageRecord Record, string? Problem)? Read(Span span, GenAiAttributes resource)
    {
        var attributes = GenAiAttributes.Of(span.Attributes);
        if (!attributes.HasUsage) return null;
        string? problem = null;
        var record = new UsageRecord
        {
            RequestId = RequestId(span, ref problem),
            KeyId = Text(attributes.KeyId) ?? Text(resource.KeyId) ?? Text(resource.ServiceName) ?? DefaultKeyId,
            TeamId = Text(attributes.TeamId) ?? Text(resource.TeamId),
            User = Text(attributes.UserId),
            Model = Text(attributes.ResponseModel) ?? Text(attributes.RequestModel),
            Provider = Text(attributes.ProviderName) ?? Text(attributes.System),
            // An embeddings span reports input tokens only: the count left out is 0.
            InputTokens = Count(attributes.InputTokens, "gen_ai.usage.input_tokens", ref problem),
            OutputTokens = Count(attributes.OutputTokens, "gen_ai.usage.output_tokens", ref problem),
            CostUsd = Usd(attributes.Cost, ref problem),
            Status = span.Status?.Code == Status.Types.StatusCode.Error ? "error" : "success",
            OccurredAt = Time(span.StartTimeUnixNano),
            LatencyMs = Latency(span.StartTimeUnixNano, span.EndTimeUnixNano, ref problem),
        };
        return (record, problem);
    }

    private static string? RequestId(Span span, ref string? problem)
    {
        if (span.TraceId.Length == OtlpJsonIds.TraceIdBytes && span.SpanId.Length == OtlpJsonIds.SpanIdBytes)
            return $"{Convert.ToHexStringLower(span.TraceId.Span)}-{Convert.ToHexStringLower(span.SpanId.Span)}";
        problem ??= "a span needs a 16-byte trace_id and an 8-byte span_id.";
        return null;
    }

    private static string? Text(AnyValue? value) => value?.ValueCase switch
    {
        ValueOneofCase.StringValue when value.StringValue.Length > 0 => VisibleText.Nfc(value.StringValue),
        ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static long Count(AnyValue? value, string attribute, ref string? problem)
    {
        switch (value?.ValueCase)
        {
            case null: return 0;
            case ValueOneofCase.IntValue: return value.IntValue;
            case ValueOneofCase.DoubleValue when double.IsInteger(value.DoubleValue) && Math.Abs(value.DoubleValue) < 1e18: return (long)value.DoubleValue;
            case ValueOneofCase.StringValue when long.TryParse(value.StringValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n): return n;
            default:
                problem ??= $"'{attribute}' must be a whole number.";
                return 0;
        }
    }

    /// <summary>Null when the span names no cost.</summary>
    private static decimal? Usd(AnyValue? value, ref string? problem)
    {
        switch (value?.ValueCase)
        {
            case null: return null;
            case ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue) && Math.Abs(value.DoubleValue) < 1e15: return (decimal)value.DoubleValue;
            case ValueOneofCase.IntValue: return value.IntValue;
            case ValueOneofCase.StringValue when decimal.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var usd): return usd;
            default:
                problem ??= "'gen_ai.usage.cost' must be a number of US dollars.";
                return null;
        }
    }

    private static DateTimeOffset? Time(ulong unixNano) =>
        unixNano == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks((long)(unixNano / TimeSpan.NanosecondsPerTick));

    private static int? Latency(ulong start, ulong end, ref string? problem)
    {
        if (start == 0 || end == 0) return null;
        if (end < start) problem ??= "'end_time_unix_nano' must not be before 'start_time_unix_nano'.";
        else if ((end - start) / 1_000_000 > int.MaxValue) problem ??= "a span must end within 24 days of its start.";
        else return (int)Math.Round((end - start) / 1e6);
        return null;
    }
}
