using Ledger.Projections.Audit;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.OrganizationUsage;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// The few schema changes Marten's migration cannot make by itself, applied before it runs (this
/// service is registered before Marten's). Each is idempotent and does nothing on a new database.
/// </summary>
public sealed class SchemaUpgrades(NpgsqlDataSource dataSource) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var upgrade in new[] { AuditLogTable.Upgrade, OrganizationUsageTable.Upgrade, ConsumerRankingTable.Upgrade })
        {
            await using var command = dataSource.CreateCommand(upgrade);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
