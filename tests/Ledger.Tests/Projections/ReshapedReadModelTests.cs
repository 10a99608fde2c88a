using System.Net;
using Ledger.Api.Cli;
using Ledger.Projections.Audit;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.Rebuilds;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Projections;

/// <summary>
/// After a read model changes shape (here: daily activity gains <c>spend_with_markup</c>, added to
/// an existing table as an upgrade adds it, so every past row holds the default), a rebuild fills
/// the new shape from history: the same rows as a live run over the same events.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ReshapedReadModelTests(LedgerApp app)
{
    private const string Columns = "day, end_user_id, requests, input_tokens, output_tokens, spend, spend_with_markup, successes, errors, rate_rejections, budget_rejections";

    [Fact]
    public async Task a_column_added_by_an_upgrade_is_filled_from_history_by_a_rebuild()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var now = DateTimeOffset.UtcNow;
        await (await OverrideAsync(org, "tenant_acme", new { markup_percentage = 25 })).JsonAsync(HttpStatusCode.OK);
        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 12).Select(i =>
            UsageRecord($"r{i}", user: i % 3 == 0 ? "tenant_globex" : "tenant_acme", cost: 0.5m + i, at: now.AddDays(-(i % 4)))).ToArray()))
            .JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var live = await RowsAsync(org.Id);
        Assert.Contains(live, r => r.Contains("tenant_acme", StringComparison.Ordinal));

        // The upgrade: the column is new to an existing table, so history reads the default.
        await ExecuteAsync($"alter table {DailyActivityTables.Days} drop column spend_with_markup");
        await app.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        Assert.NotEqual(live, await RowsAsync(org.Id));

        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        var exit = await ProjectionsCommand.RebuildAsync(app.Store, dataSource, [DailyActivityProjection.ProjectionName],
            TextWriter.Null, TextWriter.Null, interactive: false, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Equal(live, await RowsAsync(org.Id));
    }

    [Fact]
    public async Task a_node_asks_for_the_rebuild_when_the_stored_rows_have_an_older_shape_and_the_rebuild_records_the_new_one()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 8).Select(i => UsageRecord($"r{i}", user: $"tenant_{i % 4}", cost: 1m + i)).ToArray()))
            .JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var live = await RowsAsync(org.Id);
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        Assert.Empty(await ProjectionShapes.RequestRebuildsAsync(app.Store, dataSource, CancellationToken.None)); // all current

        // As a database written by the release before: daily activity in shape 1, without the monthly cohort statistics.
        await ExecuteAsync($"update {ProjectionShapes.Name} set version = 1 where projection = '{DailyActivityProjection.ProjectionName}'");
        await ExecuteAsync($"delete from {DailyActivityTables.Cohorts}");
        var asked = await ProjectionShapes.RequestRebuildsAsync(app.Store, dataSource, CancellationToken.None);

        Assert.Equal([DailyActivityProjection.ProjectionName], asked);
        // Rows from before shapes were kept are shape 1: a projection still at shape 1 needs no rebuild.
        await ExecuteAsync($"delete from {ProjectionShapes.Name} where projection = '{AuditTrailProjection.ProjectionName}'");
        Assert.Empty(await ProjectionShapes.RequestRebuildsAsync(app.Store, dataSource, CancellationToken.None)); // asked once
        Assert.Equal(1, await ScalarAsync<int>($"select version from {ProjectionShapes.Name} where projection = '{AuditTrailProjection.ProjectionName}'"));
        await RebuildFinishedAsync(dataSource);
        Assert.Equal(live, await RowsAsync(org.Id));
        Assert.Equal(ProjectionShapes.Current(DailyActivityProjection.ProjectionName),
            await ScalarAsync<int>($"select version from {ProjectionShapes.Name} where projection = '{DailyActivityProjection.ProjectionName}'"));
        Assert.Equal(4L, await ScalarAsync<long>($"select members from {DailyActivityTables.Cohorts} where organization_id = '{org.Id}'"));
    }

    private async Task RebuildFinishedAsync(NpgsqlDataSource dataSource)
    {
        for (var i = 0; i < 600; i++)
        {
            var open = await ScalarAsync<long>(
                $"select count(*) from {RebuildRequestsTable.Name} where projection = '{DailyActivityProjection.ProjectionName}' and finished_at is null");
            if (open == 0) return;
            await Task.Delay(100);
        }
        Assert.Fail("the rebuild did not finish within a minute");
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        return (T)(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    private async Task<List<string>> RowsAsync(Guid org)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select row({Columns})::text from {DailyActivityTables.Days} where organization_id = $1 order by 1", connection);
        command.Parameters.AddWithValue(org);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
