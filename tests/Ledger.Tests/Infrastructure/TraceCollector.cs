using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// An OpenTelemetry Collector's OTLP/HTTP trace receiver on a loopback port of the test process:
/// it keeps every span posted to <c>/v1/traces</c> in protobuf, with the scope (library) that made it.
/// </summary>
public sealed class TraceCollector : IAsyncLifetime
{
    public sealed record Received(string Scope, Span Span);

    private readonly ConcurrentQueue<Received> _spans = new();
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<Received> Spans => [.. _spans];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var resource in ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()).ResourceSpans)
                foreach (var scope in resource.ScopeSpans)
                    foreach (var span in scope.Spans) _spans.Enqueue(new Received(scope.Scope?.Name ?? "", span));
            return Results.Bytes(new ExportTraceServiceResponse().ToByteArray(), "application/x-protobuf");
        });
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>Waits until a span matches, and returns it.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, string what, int seconds = 30)
    {
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            if (Spans.FirstOrDefault(match) is { } found) return found;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds),
                $"no span {what} after {seconds} s; received: {string.Join(", ", Spans.Select(s => $"{s.Scope}: {s.Span.Name}"))}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
