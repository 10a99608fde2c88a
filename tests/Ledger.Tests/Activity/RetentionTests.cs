using Ledger.Api.Background;
using Ledger.Projections.Audit;
using Ledger.Projections.SpendLog;
using Ledger.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Ledger.Tests.Activity;

/// <summary>The hourly purge: the spend log and the audit trail keep 90 days, in every organization, and nothing newer.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RetentionTests(LedgerApp app)
{
    [Fact]
    public async Task a_purge_deletes_spend_log_and_audit_rows_older_than_90_days_and_keeps_the_rest()
    {
        var now = DateTimeOffset.UtcNow;
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var org in new[] { first, second })
        {
            await SpendAsync(org, "expired", now.AddDays(-91));
            await SpendAsync(org, "inside", now.AddDays(-89));
            await SpendAsync(org, "today", now);
            await AuditAsync(org, "tag_added", now.AddDays(-90.5));
            await AuditAsync(org, "override_changed", now.AddDays(-1));
        }

        await app.Services.GetServices<IHostedService>().OfType<Retention>().Single().PurgeAsync(CancellationToken.None);

        foreach (var org in new[] { first, second })
        {
            Assert.Equal(["inside", "today"], await TableRows.ValuesAsync(app.ConnectionString, SpendLogTable.Name, "request_id", org));
            Assert.Equal(["override_changed"], await TableRows.ValuesAsync(app.ConnectionString, AuditLogTable.Name, "action", org));
        }
    }

    private Task SpendAsync(Guid org, string requestId, DateTimeOffset at) => ExecuteAsync(
        $"""
        insert into {SpendLogTable.Name} (organization_id, request_id, end_user_id, model, key_id, input_tokens, output_tokens, cost, status, occurred_at)
        values ($1, $2, 'tenant_acme', 'gpt-4o', 'key_1', 10, 5, 0.01, 'success', $3)
        """, org, requestId, at);

    private Task AuditAsync(Guid org, string action, DateTimeOffset at) => ExecuteAsync(
        $"insert into {AuditLogTable.Name} (id, organization_id, at, actor, action) values (gen_random_uuid(), $1, $2, 'alice', $3)",
        org, at, action);

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.AddWithValue(value);
        await command.ExecuteNonQueryAsync();
    }
}
