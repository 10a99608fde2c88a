using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// One Ledger API host per test run, in process, against the real database. Tests do not share
/// data: each creates its own organization, and organizations cannot see each other.
/// </summary>
public sealed class LedgerApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    /// <summary>Configuration for this host only, such as a short reservation lifetime.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The clock this host reads instead of the system's, such as one a test moves forward.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>
    /// A database of its own (named with this suffix) rather than the run's: for a host whose background work must
    /// not be picked up by the other hosts of the run (their nodes share the run's Wolverine inbox and subscriptions).
    /// </summary>
    public string? OwnDatabase { get; init; }

    /// <summary>
    /// A second node beside this one, on the same database and settings: each client then sends its requests to the
    /// two nodes in turn (<see cref="NewClient"/>), as a gateway behind a load balancer would.
    /// </summary>
    public bool TwoNodes { get; init; }

    private LedgerApp? _second;

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        ConnectionString = OwnDatabase is { } suffix ? await TestDatabase.SiblingAsync(suffix) : await TestDatabase.ConnectionStringAsync();
        _ = Server; // starts the host, which applies the schema
        if (TwoNodes)
        {
            _second = new LedgerApp { Settings = Settings, Clock = Clock, OwnDatabase = OwnDatabase };
            await _second.InitializeAsync();
        }
    }

    /// <summary>A client of this host, or of both nodes in turn when there are two.</summary>
    public HttpClient NewClient() => _second is null
        ? CreateClient()
        : new HttpClient(new TakingTurns(Server.CreateHandler(), _second.Server.CreateHandler())) { BaseAddress = Server.BaseAddress };

    /// <summary>Sends each request to the next node in turn.</summary>
    private sealed class TakingTurns(params HttpMessageHandler[] nodes) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker[] _nodes = [.. nodes.Select(n => new HttpMessageInvoker(n))];
        private int _next = -1;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _nodes[(int)((uint)Interlocked.Increment(ref _next) % _nodes.Length)].SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing) foreach (var node in _nodes) node.Dispose();
            base.Dispose(disposing);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("LEDGER_DB", ConnectionString);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The in-process server gives every request the same (empty) address, and a dozen tests present
        // forged or revoked tokens on purpose: the default of 10 a minute would refuse the suite itself.
        builder.UseSetting("Ledger:RateLimits:FailedAuthenticationsPerMinute", "1000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (Clock is { } clock) builder.ConfigureTestServices(services => services.AddSingleton(clock));
    }

    public new async Task DisposeAsync()
    {
        if (_second is not null) await _second.DisposeAsync();
        await base.DisposeAsync();
    }

    public Scenarios Scenarios => new(this);

}

[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<LedgerApp>
{
    public const string Name = "ledger";
}

/// <summary>Two API nodes on the run's database, every client taking them in turn.</summary>
public sealed class TwoNodes : IAsyncLifetime
{
    public LedgerApp App { get; } = new() { TwoNodes = true };

    public Task InitializeAsync() => App.InitializeAsync();

    public Task DisposeAsync() => App.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class TwoNodesCollection : ICollectionFixture<TwoNodes>
{
    public const string Name = "ledger on two nodes";
}
