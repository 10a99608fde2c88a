using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ledger.Tests.Usage;

using Activity = System.Diagnostics.Activity; // Ledger.Tests.Activity is a namespace

/// <summary>
/// A gateway instrumented with the OpenTelemetry .NET SDK, its OTLP exporter configured as
/// docs/integrations.md tells an operator (http/protobuf, the ingest token in a header), exporting
/// over the network to a Ledger in its own process (the exporter sends synchronously, which the
/// in-process test server refuses). It keeps the spans it ended and the bodies its exporter sent.
/// </summary>
public sealed class OtlpGateway : IDisposable
{
    private readonly ActivitySource _source = new($"ledger-tests-gateway-{Guid.NewGuid():N}");
    private readonly TracerProvider _tracing;
    private readonly RecordingHandler _handler;

    /// <summary>sendsPerExport 2 sends every export twice, as an exporter does that retries after losing the answer.</summary>
    public OtlpGateway(Uri ledger, string ingestToken, string serviceName = "support-bot", string? teamId = null, int sendsPerExport = 1)
    {
        _handler = new RecordingHandler(sendsPerExport) { InnerHandler = new HttpClientHandler() };
        _tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName)
                .AddAttributes(teamId is null ? [] : [new KeyValuePair<string, object>("ledger.team_id", teamId)]))
            .AddSource(_source.Name)
            .AddInMemoryExporter(Ended)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(ledger, "/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = $"Authorization=Bearer {ingestToken}";
                o.HttpClientFactory = () => new HttpClient(_handler, disposeHandler: false);
            })
            .Build()!;
    }

    public List<Activity> Ended { get; } = [];

    /// <summary>The protobuf bodies the exporter posted, and Ledger's answers.</summary>
    public IReadOnlyList<(byte[] Body, int Status)> Sent => _handler.Sent;

    public string SourceName => _source.Name;

    /// <summary>A chat completion as the GenAI semantic conventions describe its client span.</summary>
    public Activity Chat(string? user, long input, long output, double? cost = 0.01, string requestModel = "gpt-4o",
        string? responseModel = "gpt-4o-2024-08-06", bool failed = false, DateTimeOffset? start = null, int durationMs = 850)
    {
        var at = start ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var span = _source.StartActivity($"chat {requestModel}", ActivityKind.Client, parentContext: Activity.Current?.Context ?? default, startTime: at)!;
        span.SetTag("gen_ai.operation.name", "chat");
        span.SetTag("gen_ai.provider.name", "openai");
        span.SetTag("gen_ai.request.model", requestModel);
        if (responseModel is not null) span.SetTag("gen_ai.response.model", responseModel);
        span.SetTag("gen_ai.usage.input_tokens", input);
        span.SetTag("gen_ai.usage.output_tokens", output);
        if (cost is not null) span.SetTag("gen_ai.usage.cost", cost.Value);
        if (user is not null) span.SetTag("user.id", user);
        if (failed) span.SetStatus(ActivityStatusCode.Error, "upstream answered 429");
        span.SetEndTime(at.AddMilliseconds(durationMs).UtcDateTime);
        span.Dispose();
        return span;
    }

    /// <summary>A span of no GenAI usage (an HTTP request, a database call); the caller ends it.</summary>
    public Activity Plain(string name)
    {
        var span = _source.StartActivity(name, ActivityKind.Server)!;
        span.SetTag("http.request.method", "POST");
        return span;
    }

    /// <summary>
    /// Shuts the SDK down as an application does on exit, which exports every span ended and waits
    /// for the answers (ForceFlush can return while the batch is still on its way).
    /// </summary>
    public void Flush() => Assert.True(_tracing.Shutdown(15_000), "the exporter did not finish");

    public void Dispose()
    {
        _tracing.Dispose();
        _source.Dispose();
        _handler.Dispose();
    }

    /// <summary>The exporter sends with HttpClient's synchronous Send, so that is what is recorded.</summary>
    private sealed class RecordingHandler(int sends) : DelegatingHandler
    {
        public List<(byte[] Body, int Status)> Sent { get; } = [];

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken ct)
        {
            var body = request.Content!.ReadAsStream(ct) is var stream && stream is MemoryStream m ? m.ToArray() : Read(stream);
            HttpResponseMessage? response = null;
            for (var i = 0; i < sends; i++)
            {
                using var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = new ByteArrayContent(body) };
                foreach (var (name, values) in request.Headers) copy.Headers.TryAddWithoutValidation(name, values);
                copy.Content.Headers.ContentType = request.Content.Headers.ContentType;
                response = base.Send(copy, ct);
                lock (Sent) Sent.Add((body, (int)response.StatusCode));
            }
            return response!;
        }

        private static byte[] Read(Stream stream)
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
    }
}
