using Google.Protobuf;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Telemetry;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, the API as <c>./ledger up</c> runs it sends its traces
/// over OTLP/HTTP to a collector (here one on a loopback port of the test process).
/// </summary>
public sealed class TracesTests : IAsyncLifetime
{
    private readonly TraceCollector _collector = new();
    private ApiProcess _api = null!;

    public async Task InitializeAsync()
    {
        await _collector.InitializeAsync();
        _api = new ApiProcess
        {
            Settings = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.BaseUrl,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200", // export within a fraction of a second, not every 5 s
            },
        };
        await _api.InitializeAsync();
    }

    [Fact]
    public async Task a_request_is_a_span_named_after_its_route_with_its_statements_inside_and_no_consumer_id()
    {
        var org = await _api.OrganizationAsync();
        using var owner = _api.Client(org.OwnerToken);

        await owner.GetAsync($"/api/consumers/tenant_secret_id/activity?organization_id={org.OrganizationId}");

        var request = await _collector.WaitForAsync(s => s.Span.Name == "GET /api/consumers/{end_user_id}/activity", "for the request");
        Assert.Equal(OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server, request.Span.Kind);
        var statement = await _collector.WaitForAsync(s => s.Scope == "Npgsql" && s.Span.TraceId == request.Span.TraceId, "of Npgsql in the request's trace");
        Assert.NotEqual(ByteString.Empty, statement.Span.ParentSpanId);
        Assert.DoesNotContain(_collector.Spans, s => s.Span.ToString().Contains("tenant_secret_id", StringComparison.Ordinal));
        Assert.DoesNotContain(_collector.Spans, s => s.Span.Name.StartsWith("GET /health", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _collector.DisposeAsync();
    }
}
