using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Ledger.Api.Organizations.Creating;
using Ledger.Api.Storage;
using Marten;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// The API as <c>./ledger up</c> runs it: the built dll in a process of its own, started from the
/// repository root, on Kestrel, with the log levels of its own configuration and its console output
/// kept. For what the in-process host cannot show: the server's headers and limits, what gets logged.
/// It gets an empty database of its own, so it applies the schema at start as a first deployment does.
/// </summary>
public sealed class ApiProcess : IAsyncLifetime
{
    /// <summary>Off for most tests, so nothing runs beside the request under test; the dashboard's and the webhooks' tests want them.</summary>
    public bool AsyncProjections { get; init; }

    /// <summary>The key that encrypts the session keys; nodes of one deployment share it.</summary>
    private string _sessionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static ApiProcess WithAsyncProjections() => new() { AsyncProjections = true };

    /// <summary>Configuration for this process only (as environment variables), such as a short retry schedule.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>A second node of the same deployment: the other's database, session key and settings; async projections only if asked.</summary>
    public static ApiProcess NodeBeside(ApiProcess other, bool asyncProjections = false) => new()
    {
        _connectionString = other._connectionString,
        _sessionKey = other._sessionKey,
        Settings = other.Settings,
        AsyncProjections = asyncProjections,
    };

    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private string _connectionString = "";

    public Uri Url { get; } = new($"http://127.0.0.1:{FreePort()}");

    /// <summary>The process's own database, for what a test reads or sets there directly.</summary>
    public string ConnectionString => _connectionString;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The repository root and the API's dll built beside these tests (same configuration and framework).</summary>
    public static (string Root, string Dll) Built()
    {
        // tests/Ledger.Tests/bin/<configuration>/<framework>/ → src/Ledger.Api/bin/<configuration>/<framework>/
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var root = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return (root, Path.Combine(root, "src", "Ledger.Api", "bin", testBin.Parent.Name, testBin.Name, "Ledger.Api.dll"));
    }

    public async Task InitializeAsync()
    {
        if (_connectionString.Length == 0) _connectionString = await TestDatabase.SiblingAsync($"process_{Environment.ProcessId}_{Url.Port}");
        var (root, dll) = Built();
        var start = new ProcessStartInfo("dotnet", [dll, "serve"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["LEDGER_DB"] = _connectionString, ["LEDGER_URL"] = Url.ToString().TrimEnd('/'), ["Ledger__AsyncProjections"] = AsyncProjections ? "HotCold" : "Disabled",
                ["Ledger__Sessions__KeyEncryptionKey"] = _sessionKey,
            },
        };
        foreach (var (key, value) in Settings) start.Environment[key.Replace(":", "__")] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = Url };
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(200))
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { } // not listening yet
            if (clock.Elapsed > TimeSpan.FromSeconds(60) || _process.HasExited)
                throw new InvalidOperationException($"The API did not become ready:\n{Output}");
        }
    }

    /// <summary>A new organization in the process's database, as <c>ledger org create</c> makes it.</summary>
    public async Task<OrganizationCreation.Created> OrganizationAsync(string name = "acme-inc", string owner = "alice")
    {
        using var store = new DocumentStore(StoreSetup.Options(_connectionString));
        return await OrganizationCreation.CreateAsync(store, name, owner, DateTimeOffset.UtcNow);
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Url };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Waits until the output has a line containing the text, e.g. the log line of a request just answered.</summary>
    public async Task LoggedAsync(string text)
    {
        for (var clock = Stopwatch.StartNew(); !Output.Contains(text, StringComparison.Ordinal); await Task.Delay(50))
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"no line with '{text}' in:\n{Output}");
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null; // a test may stop a node before the end (a restart)
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiProcessCollection : ICollectionFixture<ApiProcess>
{
    public const string Name = "api process";
}
