using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// A real HTTP endpoint on a loopback port of the test process, as a customer's webhook receiver:
/// it keeps every request per path, and answers 500 to the first failures a test asks of a path.
/// </summary>
public sealed class WebhookReceiver : IAsyncLifetime
{
    public sealed record Received(string Id, string Timestamp, string Signature, string Body);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Received>> _received = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{name}", async (string name, HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync();
            _received.GetOrAdd(name, _ => new()).Enqueue(new Received(
                request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(), request.Headers["webhook-signature"].ToString(), body));
            var fail = false;
            _failuresLeft.AddOrUpdate(name, 0, (_, left) => { fail = left > 0; return left > 0 ? left - 1 : 0; });
            return fail ? Results.StatusCode(500) : Results.NoContent();
        });
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>A fresh path for one test's webhook, failing its first <paramref name="failures"/> requests (-1: every one).</summary>
    public string Url(string name, int failures = 0)
    {
        _failuresLeft[name] = failures < 0 ? int.MaxValue : failures;
        return $"{BaseUrl}/{name}";
    }

    /// <summary>From now on the path answers 204.</summary>
    public void Recover(string name) => _failuresLeft[name] = 0;

    public IReadOnlyList<Received> At(string name) => _received.TryGetValue(name, out var q) ? [.. q] : [];

    /// <summary>Waits until the path has had at least <paramref name="count"/> requests.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(string name, int count, int seconds = 30)
    {
        for (var clock = Stopwatch.StartNew(); At(name).Count < count; await Task.Delay(50))
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"{name} had {At(name).Count} of {count} requests after {seconds} s");
        return At(name);
    }

    /// <summary>Checks a request's signature as a receiver would, straight from the Standard Webhooks spec.</summary>
    public static bool SignatureVerifies(Received r, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{r.Id}.{r.Timestamp}.{r.Body}")));
        return r.Signature.Split(' ').Any(s => s == "v1," + expected);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
