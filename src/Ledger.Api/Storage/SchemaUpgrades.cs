using Ledger.Ingest.Admissions;
using Ledger.Projections.Audit;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.OrganizationUsage;
using Ledger.Projections.Storage;
using Marten;
using Npgsql;

namespace Ledger.Api.Storage;

/// <summary>
/// The few schema changes Marten's migration cannot make by itself. They run while the host is
/// starting, before any hosted service starts (Marten's migration among them), so each sees the
/// database as the previous release left it. Each is idempotent and does nothing on a new database.
/// </summary>
public sealed class SchemaUpgrades(IDocumentStore store, NpgsqlDataSource dataSource) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var upgrade in new[] { AuditLogTable.Upgrade, OrganizationUsageTable.Upgrade, AdmissionStateUpgrade.Sql, DailyActivityTables.Upgrade })
        {
            await using var command = dataSource.CreateCommand(upgrade);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await FixedScaleUpgrade.UpgradeAsync(store, dataSource, cancellationToken);
        await ConsumerRankingTable.UpgradeAsync(store, dataSource, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
