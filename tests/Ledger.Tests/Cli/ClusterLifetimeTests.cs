using System.Runtime.Versioning;

namespace Ledger.Tests.Cli;

/// <summary>
/// No private cluster is left running for nobody: ./ledger test stops the one it started, and a
/// cluster whose checkout was deleted (CI deletes its clone after each run) is stopped and removed.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ScratchClusters.Name)]
public sealed class ClusterLifetimeTests
{
    [ClusterFact]
    public async Task ledger_test_stops_the_cluster_it_started_and_leaves_running_one_it_found_running()
    {
        await using var checkout = new ScratchCheckout();
        Assert.Equal(0, (await checkout.LedgerAsync("db")).ExitCode);

        var foundRunning = await checkout.LedgerAsync("test");

        Assert.True(foundRunning.ExitCode == 0, foundRunning.Stderr);
        Assert.NotNull(checkout.PostmasterPid());

        await checkout.LedgerAsync("down");
        var startedItself = await checkout.LedgerAsync("test");

        Assert.True(startedItself.ExitCode == 0, startedItself.Stderr);
        Assert.Contains("1 passed, 0 failed", startedItself.Stdout);
        Assert.Null(checkout.PostmasterPid());
        Assert.False(ScratchCheckout.Listening(checkout.Port));
    }

    [ClusterFact(RootOnly = true)]
    public async Task down_orphans_stops_and_removes_a_cluster_whose_checkout_was_deleted()
    {
        await using var deleted = new ScratchCheckout();
        await using var other = new ScratchCheckout();
        var orphan = await RunningClusterOfDeletedCheckoutAsync(deleted);

        var down = await other.LedgerAsync("down", "--orphans");

        Assert.True(down.ExitCode == 0, down.Stderr);
        Assert.Contains($"stopped and removed the PostgreSQL cluster of {deleted.Root}", down.Stderr);
        await AssertGoneAsync(orphan);
    }

    [ClusterFact(RootOnly = true)]
    public async Task the_next_command_stops_orphans_but_never_a_cluster_whose_checkout_exists()
    {
        await using var deleted = new ScratchCheckout();
        await using var alive = new ScratchCheckout();
        Assert.Equal(0, (await alive.LedgerAsync("db")).ExitCode);
        var running = alive.PostmasterPid();
        var orphan = await RunningClusterOfDeletedCheckoutAsync(deleted);

        var db = await alive.LedgerAsync("db");

        Assert.True(db.ExitCode == 0, db.Stderr);
        await AssertGoneAsync(orphan);
        Assert.NotNull(running);
        Assert.Equal(running, alive.PostmasterPid());
    }

    private sealed record Orphan(int Pid, int Port, string Directory);

    private static async Task<Orphan> RunningClusterOfDeletedCheckoutAsync(ScratchCheckout checkout)
    {
        var db = await checkout.LedgerAsync("db");
        // Now and then (about one run in five of the CLI tests) the cluster does not start: its log says why.
        Assert.True(db.ExitCode == 0, $"{db.Stderr}\n{checkout.ServerLog()}");
        var pid = checkout.PostmasterPid();
        Assert.NotNull(pid);
        // As on CI: postgres cannot enter the checkout, so the cluster lives outside it.
        Assert.False(checkout.ClusterDir.StartsWith(checkout.Root), checkout.ClusterDir);
        var orphan = new Orphan(pid.Value, checkout.Port, checkout.ClusterDir);
        checkout.DeleteCheckout();
        return orphan;
    }

    private static async Task AssertGoneAsync(Orphan orphan)
    {
        // pg_ctl stop returns once the lock file is gone; the process itself may take a moment more to be reaped.
        for (var i = 0; i < 50 && Directory.Exists($"/proc/{orphan.Pid}"); i++) await Task.Delay(100);
        Assert.False(Directory.Exists($"/proc/{orphan.Pid}"), $"postmaster {orphan.Pid} still runs");
        Assert.False(ScratchCheckout.Listening(orphan.Port), $"port {orphan.Port} still answers");
        Assert.False(Directory.Exists(orphan.Directory), orphan.Directory);
    }
}
