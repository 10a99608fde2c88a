using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Ledger.Tests.Usage;

using Activity = System.Diagnostics.Activity; // Ledger.Tests.Activity is a namespace

/// <summary>
/// OTLP/JSON bodies built from the spans the SDK ended (the .NET exporter has no JSON mode), as the
/// OTLP specification writes them: hex trace and span ids, int64 as strings, enums as integers, and
/// either lowerCamelCase or the protobuf field names.
/// </summary>
public static class OtlpJsonBodies
{
    public static string From(IEnumerable<Activity> spans, string serviceName, bool protoNames = false, bool int64AsNumbers = false)
    {
        string N(string camel) => protoNames ? string.Concat(camel.Select(c => char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString())) : camel;
        JsonNode Int64(long n) => int64AsNumbers ? JsonValue.Create(n) : JsonValue.Create(n.ToString(CultureInfo.InvariantCulture));
        JsonObject Value(object? v) => v switch
        {
            string s => new JsonObject { [N("stringValue")] = s },
            long or int => new JsonObject { [N("intValue")] = Int64(Convert.ToInt64(v, CultureInfo.InvariantCulture)) },
            double d => new JsonObject { [N("doubleValue")] = d },
            bool b => new JsonObject { [N("boolValue")] = b },
            _ => new JsonObject(),
        };
        JsonArray Attributes(IEnumerable<KeyValuePair<string, object?>> tags) =>
            [.. tags.Select(t => new JsonObject { ["key"] = t.Key, ["value"] = Value(t.Value) })];
        long Nanos(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks * 100;

        var json = spans.Select(s => (JsonNode)new JsonObject
        {
            [N("traceId")] = s.TraceId.ToHexString(),
            [N("spanId")] = s.SpanId.ToHexString(),
            [N("parentSpanId")] = s.ParentSpanId == default ? "" : s.ParentSpanId.ToHexString(),
            ["name"] = s.DisplayName,
            ["kind"] = (int)s.Kind + 1, // ActivityKind.Internal is 0, OTLP's SPAN_KIND_INTERNAL 1
            [N("startTimeUnixNano")] = Int64(Nanos(s.StartTimeUtc)),
            [N("endTimeUnixNano")] = Int64(Nanos(s.StartTimeUtc + s.Duration)),
            ["attributes"] = Attributes(s.TagObjects),
            ["status"] = new JsonObject { ["code"] = s.Status == ActivityStatusCode.Error ? 2 : s.Status == ActivityStatusCode.Ok ? 1 : 0 },
        });
        return new JsonObject
        {
            [N("resourceSpans")] = new JsonArray(new JsonObject
            {
                ["resource"] = new JsonObject { ["attributes"] = Attributes([new("service.name", serviceName)]) },
                [N("scopeSpans")] = new JsonArray(new JsonObject
                {
                    ["scope"] = new JsonObject { ["name"] = "ledger-tests-gateway" },
                    ["spans"] = new JsonArray([.. json]),
                }),
            }),
        }.ToJsonString();
    }
}
