using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Domain.Usage;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Ledger.Bench;

/// <summary>
/// Generated usage as an instrumented gateway exports it over OTLP/HTTP (protobuf): each GenAI
/// client span under the HTTP server span of its request, with the attributes the GenAI semantic
/// conventions name beside the ones Ledger reads. Half the spans carry no usage and are skipped.
/// </summary>
public static class OtlpSpansWire
{
    public static byte[] Export(IEnumerable<UsageSettled> batch)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "bench-gateway", Version = "1.0.0" } };
        foreach (var u in batch)
        {
            var trace = ByteString.CopyFrom(MD5.HashData(Encoding.UTF8.GetBytes(u.RequestId)));
            var server = Id(u.RequestId + "/server");
            var start = (ulong)(u.OccurredAt - DateTimeOffset.UnixEpoch).Ticks * 100;
            var end = start + (ulong)(u.LatencyMs ?? 0) * 1_000_000;
            scope.Spans.Add(new Span
            {
                TraceId = trace,
                SpanId = server,
                Name = "POST /v1/chat/completions",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = start,
                EndTimeUnixNano = end + 200_000,
                Attributes = { Text("http.request.method", "POST"), Text("url.path", "/v1/chat/completions"), Number("http.response.status_code", 200) },
            });
            scope.Spans.Add(new Span
            {
                TraceId = trace,
                SpanId = Id(u.RequestId),
                ParentSpanId = server,
                Name = $"chat {u.Model}",
                Kind = Span.Types.SpanKind.Client,
                StartTimeUnixNano = start,
                EndTimeUnixNano = end,
                Status = new Status { Code = u.Status == UsageStatus.Success ? Status.Types.StatusCode.Unset : Status.Types.StatusCode.Error },
                Attributes =
                {
                    Text("gen_ai.operation.name", "chat"), Text("gen_ai.provider.name", u.Provider ?? "openai"),
                    Text("gen_ai.request.model", u.Model), Text("gen_ai.response.model", u.Model), Text("gen_ai.response.id", u.RequestId),
                    Number("gen_ai.usage.input_tokens", u.InputTokens), Number("gen_ai.usage.output_tokens", u.OutputTokens),
                    new KeyValue { Key = "gen_ai.usage.cost", Value = new AnyValue { DoubleValue = (double)u.CostUsd } },
                    Text("user.id", u.EndUserId ?? ""), Text("ledger.key_id", u.KeyId), Text("ledger.team_id", u.TeamId ?? ""),
                    Text("server.address", "api.openai.com"), Number("server.port", 443),
                },
            });
        }
        return new ExportTraceServiceRequest
        {
            ResourceSpans = { new ResourceSpans { Resource = new Resource { Attributes = { Text("service.name", "bench-gateway") } }, ScopeSpans = { scope } } },
        }.ToByteArray();
    }

    private static ByteString Id(string of) => ByteString.CopyFrom(MD5.HashData(Encoding.UTF8.GetBytes(of)).AsSpan(0, 8));

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
