using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Ledger.Tests.Usage;

/// <summary>Export requests written span by span with the OTLP messages, for what the SDK will not send (negative tokens, no ids).</summary>
public static class OtlpRequests
{
    public static ExportTraceServiceRequest Export(IEnumerable<KeyValue> resource, params Span[] spans) => new()
    {
        ResourceSpans =
        {
            new ResourceSpans
            {
                Resource = new Resource { Attributes = { resource } },
                ScopeSpans = { new ScopeSpans { Spans = { spans } } },
            },
        },
    };

    public static Span GenAi(long input = 10, long output = 5, double? cost = 0.02, string? user = "tenant_acme", DateTimeOffset? start = null,
        params KeyValue[] more)
    {
        var at = start ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
            SpanId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()[..8]),
            Name = "chat gpt-4o",
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = (ulong)(at - DateTimeOffset.UnixEpoch).Ticks * 100,
            EndTimeUnixNano = (ulong)(at.AddMilliseconds(300) - DateTimeOffset.UnixEpoch).Ticks * 100,
            Attributes =
            {
                Attribute("gen_ai.request.model", "gpt-4o"),
                Attribute("gen_ai.usage.input_tokens", input),
                Attribute("gen_ai.usage.output_tokens", output),
            },
        };
        if (cost is not null) span.Attributes.Add(new KeyValue { Key = "gen_ai.usage.cost", Value = new AnyValue { DoubleValue = cost.Value } });
        if (user is not null) span.Attributes.Add(Attribute("user.id", user));
        span.Attributes.Add(more);
        return span;
    }

    public static Span Plain() => new()
    {
        TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
        SpanId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()[..8]),
        Name = "GET /health",
        Attributes = { Attribute("http.request.method", "GET") },
    };

    public static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attribute(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
