using Ledger.Domain.Admissions;
using Ledger.Domain.Usage;
using Ledger.Projections.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// After usage settles and before it is acknowledged: finds the scopes of that usage that some node
/// holds a lease of and that now refuse (the usage cost more than its estimate, or came without an
/// admission, and reached a budget; or its tokens reached a tpm cap). Their leases are revoked here
/// at once, and on every other node through a PostgreSQL notification (<see cref="LeaseNotifications"/>),
/// so that no node goes on admitting from a lease granted before the cap was reached; the usage is
/// acknowledged once they are given back (<see cref="LeaseReturns"/>, a second at most), so every
/// node refuses the scope's next request. Costs one
/// read of the lease table per settled post, and a read of the scopes' state only when some of them
/// is leased.
/// </summary>
public sealed partial class CapCrossings(
    [FromKeyedServices(AdmissionWriter.DataSourceKey)] NpgsqlDataSource dataSource, NodeLeases leases, TimeProvider clock,
    ILogger<CapCrossings> logger)
{
    public const string Channel = "ledger_admission_leases";

    /// <summary>Never fails the settlement, which has committed: if the check cannot run, leases still end within their term.</summary>
    public async Task SettledAsync(IReadOnlyList<UsageSettled> usage, CancellationToken ct)
    {
        try
        {
            await RevokeCrossedAsync(usage, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogCheckFailed(logger, e);
        }
    }

    private async Task RevokeCrossedAsync(IReadOnlyList<UsageSettled> usage, CancellationToken ct)
    {
        var touched = usage.SelectMany(u => ScopeKey.Of(u.OrganizationId, u.EndUserId, u.KeyId, u.TeamId)).Distinct().ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        var leased = new List<ScopeKey>();
        await using (var find = new NpgsqlCommand(
            $"""
            select distinct l.organization_id, l.scope, l.scope_id from {AdmissionTables.Leases} l
            join unnest($1::uuid[], $2::smallint[], $3::text[]) t(o, s, i) on l.organization_id = t.o and l.scope = t.s and l.scope_id = t.i
            """, connection))
        {
            ScopeStates.AddKeys(find.Parameters, touched);
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) leased.Add(new ScopeKey(reader.GetGuid(0), (CapScope)reader.GetInt16(1), reader.GetString(2)));
        }
        if (leased.Count == 0) return;

        var now = ScopeStates.ToMicroseconds(clock.GetUtcNow());
        Dictionary<ScopeKey, ScopeStates.Loaded> states;
        await using (var batch = new NpgsqlBatch(connection) { BatchCommands = { ScopeStates.LoadCommand(leased, now) } })
        await using (var reader = await batch.ExecuteReaderAsync(ct))
            states = await ScopeStates.ReadAsync(reader, leased, now, now, ct);
        states = await ScopeStates.CompleteAsync(connection, states, now, ct);
        var crossed = states.Where(s => Admit.Decide([s.Value.State], now) is not null).Select(s => s.Key).ToList();
        if (crossed.Count == 0) return;

        leases.RevokeNow(crossed);
        await using var notify = new NpgsqlBatch(connection);
        foreach (var payload in LeaseNotifications.Payloads(crossed.Select(LeaseNotifications.Format)))
            notify.BatchCommands.Add(SqlBatch.Command("select pg_notify($1, $2)", Channel, payload));
        await notify.ExecuteNonQueryAsync(ct);
        await LeaseReturns.WaitAsync(dataSource, [.. crossed.Select(ScopeSelection.Of)], ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking settled usage against leased caps failed; those leases end within their term")]
    private static partial void LogCheckFailed(ILogger logger, Exception e);
}
