namespace Ledger.Tests.Cli;

/// <summary>
/// A test that makes PostgreSQL clusters of its own through ./ledger's scripts: it needs the
/// server's programs (./ledger test installs them), and some cases arise only as root.
/// </summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/usr/lib/postgresql"))
            Skip = "needs Debian's PostgreSQL packages (./ledger test installs them)";
    }

    /// <summary>Only root's clusters can live outside their checkout, under postgres's home.</summary>
    public bool RootOnly
    {
        get => false;
        init
        {
            if (value && Environment.UserName != "root") Skip ??= "clusters live outside their checkout only when ./ledger runs as root";
        }
    }
}

/// <summary>Tests that start clusters run one at a time: each costs an initdb on a small machine.</summary>
[CollectionDefinition(Name)]
public sealed class ScratchClusters
{
    public const string Name = "scratch clusters";
}
