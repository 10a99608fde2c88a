using System.Runtime.Versioning;

namespace Ledger.Tests.Cli;

/// <summary>A command builds Ledger first: quietly when that works, and it stops with the build's errors when it does not.</summary>
[SupportedOSPlatform("linux")]
[Collection(ScratchClusters.Name)]
public sealed class CommandBuildTests
{
    [ClusterFact]
    public async Task a_command_shows_nothing_of_a_build_that_succeeds_and_stops_with_the_errors_of_one_that_fails()
    {
        await using var checkout = new ScratchCheckout();
        checkout.UseDotnet("""if [ "$1" = build ]; then echo 'Build succeeded.'; echo '    0 Warning(s)'; exit 0; fi; echo "ran $2 $3" """);

        var built = await checkout.LedgerAsync("projections", "status");

        Assert.True(built.ExitCode == 0, built.Stderr);
        Assert.Contains("ran projections status", built.Stdout);
        Assert.DoesNotContain("Build succeeded", built.Stdout + built.Stderr);

        checkout.UseDotnet("""if [ "$1" = build ]; then echo 'CliStore.cs(18,1): error CS1519: Invalid token'; echo 'Build FAILED.'; exit 1; fi; echo "ran $2 $3" """);

        var broken = await checkout.LedgerAsync("projections", "status");

        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("error CS1519: Invalid token", broken.Stderr);
        Assert.DoesNotContain("ran projections status", broken.Stdout);
    }
}
