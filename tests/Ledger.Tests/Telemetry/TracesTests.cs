using System.Net.Http.Json;
using Google.Protobuf;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Telemetry;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, the API as <c>./ledger up</c> runs it sends its traces
/// over OTLP/HTTP to a collector (here one on a loopback port of the test process), with its async
/// daemon running and webhooks allowed to call loopback (the receiver of the alert below).
/// </summary>
public sealed class TracesTests : IAsyncLifetime
{
    private readonly TraceCollector _collector = new();
    private readonly WebhookReceiver _receiver = new();
    private ApiProcess _api = null!;

    public async Task InitializeAsync()
    {
        await _collector.InitializeAsync();
        await _receiver.InitializeAsync();
        _api = new ApiProcess
        {
            AsyncProjections = true,
            Settings = new Dictionary<string, string>
            {
                ["Ledger:Webhooks:AllowPrivateAddresses"] = "true",
                ["Ledger:Messaging:PollingInterval"] = "00:00:00.2",
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

    [Fact]
    public async Task an_alert_is_traced_through_marten_s_daemon_and_wolverine_s_handler_to_the_webhook_call_without_its_url()
    {
        var org = await _api.OrganizationAsync();
        using var owner = _api.Client(org.OwnerToken);
        using var ingest = _api.Client(org.IngestToken);
        var url = _receiver.Url("traced_receiver_secret");
        await (await owner.PostAsJsonAsync("/api/webhooks", new { organization_id = org.OrganizationId, url, events = new[] { "budget.threshold_crossed" } }))
            .JsonAsync(System.Net.HttpStatusCode.Created);
        await PreRegisterAsync(owner, org.OrganizationId, "tenant_acme", maxBudget: 1.00m).SucceededAsync();

        await PostUsageAsync(ingest, UsageRecord("r1", "tenant_acme", cost: 0.60m)).SucceededAsync();

        await _receiver.WaitForAsync("traced_receiver_secret", 1);
        await _collector.WaitForAsync(s => s.Scope == "Marten", "of Marten's async daemon");
        var handled = await _collector.WaitForAsync(s => s.Scope == "Wolverine" && s.Span.Name.Contains("DeliverWebhook", StringComparison.Ordinal),
            "of Wolverine handling the delivery");
        var call = await _collector.WaitForAsync(s => s.Scope == "System.Net.Http" && s.Span.TraceId == handled.Span.TraceId,
            "of the webhook call in the handler's trace");
        Assert.Equal(OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client, call.Span.Kind);
        // The receiver's URL may carry its own secret: neither it nor its path is in any span.
        Assert.DoesNotContain(_collector.Spans, s => s.Span.ToString().Contains("traced_receiver_secret", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _receiver.DisposeAsync();
        await _collector.DisposeAsync();
    }
}
