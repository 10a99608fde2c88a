using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace Ledger.Tests.Cli;

/// <summary>
/// A throwaway checkout holding copies of <c>./ledger</c> and build/*.sh, with a private cluster of
/// its own on a port of its own. It lives under /tmp, which postgres cannot enter as root, so its
/// cluster lives under postgres's home as on CI. <c>dotnet</c> is a stub here: <c>./ledger test</c>
/// then exercises only the script. Disposing stops the cluster and removes every file, even after
/// a failed assertion or a deleted checkout.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ScratchCheckout : IAsyncDisposable
{
    private readonly string _fakeBin;
    private readonly int _firstPort = Random.Shared.Next(56000, 59000);
    private string? _clusterDir;

    public string Root { get; }

    public ScratchCheckout()
    {
        Root = Directory.CreateTempSubdirectory("ledger-checkout-").FullName;
        var repo = RepositoryRoot();
        Directory.CreateDirectory(Path.Combine(Root, "build"));
        Copy(Path.Combine(repo, "ledger"), Path.Combine(Root, "ledger"));
        foreach (var script in Directory.GetFiles(Path.Combine(repo, "build"), "*.sh"))
            Copy(script, Path.Combine(Root, "build", Path.GetFileName(script)));
        _fakeBin = Directory.CreateTempSubdirectory("ledger-fake-dotnet-").FullName;
        Executable(Path.Combine(_fakeBin, "dotnet"), "echo 'Passed!  - Failed:     0, Passed:     1, Skipped:     0, Total:     1'");
    }

    /// <summary>Replaces the <c>dotnet</c> stub with this shell script body (its arguments are <c>$1</c>…).</summary>
    public void UseDotnet(string body) => Executable(Path.Combine(_fakeBin, "dotnet"), body);

    /// <summary>The cluster's own directory: .data/pg, or where that links to (remembered once the checkout is gone).</summary>
    public string ClusterDir
    {
        get
        {
            var data = Path.Combine(Root, ".data", "pg");
            if (Directory.Exists(Root)) _clusterDir = Path.GetFullPath(new DirectoryInfo(data).LinkTarget ?? data, Root);
            return _clusterDir ?? data;
        }
    }

    public Task<CommandResult> LedgerAsync(params string[] args) => RunAsync(Root, Path.Combine(Root, "ledger"), args);

    /// <summary>A bash script run in the checkout with build/postgres.sh sourced.</summary>
    public Task<CommandResult> BashAsync(string script) =>
        RunAsync(Root, "bash", ["-c", $"set -euo pipefail; ROOT={Root}; source \"$ROOT/build/postgres.sh\"\n{script}"]);

    /// <summary>The postmaster's process id while the cluster runs, otherwise null.</summary>
    public int? PostmasterPid()
    {
        var pidFile = Path.Combine(ClusterDir, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        var pid = int.Parse(File.ReadLines(pidFile).First());
        return Directory.Exists($"/proc/{pid}") ? pid : null;
    }

    /// <summary>The cluster's server log, for a failure's message.</summary>
    public string ServerLog()
    {
        var log = Path.Combine(ClusterDir, "server.log");
        return File.Exists(log) ? File.ReadAllText(log) : $"(no server log in {ClusterDir})";
    }

    public int Port => int.Parse(File.ReadAllText(Path.Combine(Root, ".data", "pg.port")).Trim());

    public static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Deletes the checkout as CI deletes its clone; the cluster directory is remembered for cleanup.</summary>
    public void DeleteCheckout()
    {
        _ = ClusterDir;
        Directory.Delete(Root, true);
    }

    public async ValueTask DisposeAsync()
    {
        var cluster = ClusterDir;
        if (File.Exists(Path.Combine(cluster, "postmaster.pid")))
            await RunAsync("/", "bash", ["-c", StopImmediately, "_", cluster]);
        if (Directory.Exists(cluster)) Directory.Delete(cluster, true);
        if (Directory.Exists(Root)) Directory.Delete(Root, true);
        Directory.Delete(_fakeBin, true);
    }

    private const string StopImmediately = """
        pg_ctl="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl"
        if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_ctl" -D "$1" -m immediate -w stop
        else "$pg_ctl" -D "$1" -m immediate -w stop; fi
        """;

    private async Task<CommandResult> RunAsync(string directory, string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("LEDGER_DB"); // the suite's own database; the scratch checkout makes its own
        start.Environment["LEDGER_PG_PORT"] = _firstPort.ToString();
        start.Environment["LEDGER_PG_HUGE_PAGES"] = "off";
        start.Environment["PATH"] = $"{_fakeBin}:{Environment.GetEnvironmentVariable("PATH")}";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran over two minutes: {await stderr}");
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    private static void Copy(string from, string to)
    {
        File.Copy(from, to);
        File.SetUnixFileMode(to, File.GetUnixFileMode(from));
    }

    private static void Executable(string path, string body)
    {
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ledger")) && File.Exists(Path.Combine(dir.FullName, "build", "postgres.sh")))
                return dir.FullName;
        throw new InvalidOperationException($"no ./ledger above {AppContext.BaseDirectory}");
    }
}

public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public string LastLine => Stdout.TrimEnd().Split('\n')[^1];
}
