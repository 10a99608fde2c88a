using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Ledger.Api.Usage.Otlp;

/// <summary>
/// OTLP/JSON writes trace and span ids as hex, where protobuf's JSON mapping (which the parser
/// follows) reads bytes as base64. Hex digits are base64 letters, so the parser reads a 32-digit
/// trace id as 24 bytes without complaint; their base64 gives the hex text back, decoded here.
/// An id of the right length already was sent in base64, as some older senders do, and is kept.
/// </summary>
public static class OtlpJsonIds
{
    public const int TraceIdBytes = 16, SpanIdBytes = 8;

    public static ExportTraceServiceRequest FromHex(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
            foreach (var scope in resource.ScopeSpans)
                foreach (var span in scope.Spans)
                {
                    span.TraceId = Hex(span.TraceId, TraceIdBytes, "traceId");
                    span.SpanId = Hex(span.SpanId, SpanIdBytes, "spanId");
                }
        return request;
    }

    private static ByteString Hex(ByteString read, int bytes, string field)
    {
        if (read.Length == 0 || read.Length == bytes) return read;
        if (read.Length != bytes * 2 * 3 / 4) throw new FormatException($"'{field}' must be {bytes * 2} hex digits.");
        try
        {
            return ByteString.CopyFrom(Convert.FromHexString(read.ToBase64()));
        }
        catch (FormatException)
        {
            throw new FormatException($"'{field}' must be {bytes * 2} hex digits.");
        }
    }
}
