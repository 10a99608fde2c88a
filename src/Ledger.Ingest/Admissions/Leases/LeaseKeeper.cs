using Ledger.Domain.Admissions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// Keeps this node's leases: every <see cref="Tick"/> it renews the leases about to end or run out
/// (a new lease sized from the node's demand; the old one is given back once the new one is in use)
/// and gives back those of scopes no longer asked for. Every few seconds it gives
/// back leases left by nodes that stopped without doing so, once the lease and a reservation's
/// lifetime have passed, with the estimated cost their node was recorded to have spent: until then
/// their quota stays counted, which only refuses more, never less. When the node stops it gives
/// back every lease it holds.
/// </summary>
public sealed partial class LeaseKeeper(
    NodeLeases leases, AdmissionWriter writer, [Microsoft.Extensions.DependencyInjection.FromKeyedServices(AdmissionWriter.DataSourceKey)] NpgsqlDataSource dataSource,
    TimeProvider clock, IOptions<AdmissionOptions> options, ILogger<LeaseKeeper> logger) : BackgroundService
{
    /// <summary>How often leases are checked: often enough that one spent faster than it was sized for is renewed before it runs out.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var term = options.Value.LeaseTerm;
        if (term <= TimeSpan.Zero) return;
        var lastReap = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Woken early when leases were revoked: a cap change is answered once they are given back.
                await Task.WhenAny(Task.Delay(term / 4 < Tick ? term / 4 : Tick, clock, stoppingToken), leases.ReturnsDue);
                stoppingToken.ThrowIfCancellationRequested();
                leases.ReturnsLookedFor();
                await RenewAsync(stoppingToken);
                if (clock.GetUtcNow() - lastReap > options.Value.ExpirySweepInterval)
                {
                    lastReap = clock.GetUtcNow();
                    await ReapAsync(stoppingToken);
                    leases.Prune(lastReap, ReapedAfter);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogKeepingFailed(logger, e);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        leases.CloseAll();
        // The recorder stops after this service (hosted services stop in reverse order): let it store what was answered
        // from the leases, which may then be given back. Those still unstored are left to the reaper.
        for (var waited = TimeSpan.Zero; leases.Storing && waited < StoringGrace && !cancellationToken.IsCancellationRequested; waited += Tick / 10)
            await Task.Delay(Tick / 10, CancellationToken.None);
        var held = leases.Displaced();
        if (held.Count == 0) return;
        try
        {
            await writer.DecideAsync([], new AdmissionWriter.LeaseWork(held, new Dictionary<ScopeKey, LeaseGrant.Demand>(), leases.Node), cancellationToken);
            leases.Returned(held);
        }
        catch (Exception e)
        {
            LogKeepingFailed(logger, e);
        }
    }

    /// <summary>How long a stopping node waits for its answered admissions to be stored before it gives its leases back.</summary>
    private static readonly TimeSpan StoringGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Asks for a new lease of every scope whose lease is waning and is still in demand; the old lease
    /// stays in use until the new one is installed, which displaces it, and it is given back by the next transaction.
    /// Leases of scopes no longer in demand are given back now.
    /// </summary>
    private async Task RenewAsync(CancellationToken ct)
    {
        var ending = leases.Waning();
        var wanted = leases.DemandOf(ending);
        // Not asked for lately, or ended without a renewal (its scope came too near a cap to lease): given back now.
        leases.Revoke(ending.Where(s => !wanted.ContainsKey(s)).Concat(leases.Ended()));
        var returning = leases.Displaced();
        // A few scopes per transaction: each holds its scopes' locks, and a request decided in the database waits for them.
        foreach (var chunk in returning.Select(l => l.Scope).Concat(wanted.Keys).Distinct().Chunk(ScopesPerTransaction))
        {
            var scopes = chunk.ToHashSet();
            var back = returning.Where(l => scopes.Contains(l.Scope)).ToList();
            await writer.DecideAsync([], new AdmissionWriter.LeaseWork(
                back, wanted.Where(w => scopes.Contains(w.Key)).ToDictionary(), leases.Node), leases, ct);
        }
    }

    private const int ScopesPerTransaction = 32;

    /// <summary>How long after its end a lease no node gave back is reaped: a reservation's lifetime and a term.</summary>
    private TimeSpan ReapedAfter => options.Value.ReservationTtl + options.Value.LeaseTerm;

    /// <summary>Gives back leases whose node never did, a reservation's lifetime after they ended.</summary>
    private async Task ReapAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select lease_id, organization_id, scope, scope_id, window_at, expires_at
            from {AdmissionTables.Leases} where expires_at < $1 order by expires_at limit 1000
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() - ReapedAfter });
        var dead = new List<ScopeLease>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                // What the node spent but did not record stays unknown: its slots are left in the window (they age out),
                // and the headroom it was not recorded to have spent is given back (the writer reads it from the row).
                dead.Add(new ScopeLease(reader.GetGuid(0), new ScopeKey(reader.GetGuid(1), (CapScope)reader.GetInt16(2), reader.GetString(3)),
                    Slots: 0, null, null, null, reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
        if (dead.Count > 0)
            await writer.DecideAsync([], new AdmissionWriter.LeaseWork(dead, new Dictionary<ScopeKey, LeaseGrant.Demand>(), leases.Node), ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing or giving back admission leases failed; trying again shortly")]
    private static partial void LogKeepingFailed(ILogger logger, Exception e);
}
