using System.Net;
using System.Text.Json;
using Ledger.Api.Cli;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.Rebuilds;
using Ledger.Projections.SpendLog;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Cli;

/// <summary>
/// <c>ledger projections rebuild</c> while an API node runs the projections: the node that runs the
/// shard rebuilds it, the result is what the live run gave, and the projection goes on live.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ProjectionsRebuildTests(LedgerApp app)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private async Task<(int Exit, string Output, string Error)> RebuildAsync(params string[] names)
    {
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await ProjectionsCommand.RebuildAsync(app.Store, dataSource, names, output, error, interactive: false, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<string> SeriesAsync(TestOrganization org, string user) =>
        (await (await org.Owner.GetAsync($"/api/consumers/{user}/activity?organization_id={org.Id}&start_date={Today.AddDays(-3):yyyy-MM-dd}&end_date={Today:yyyy-MM-dd}"))
            .JsonAsync(HttpStatusCode.OK)).ToString();

    [Fact]
    public async Task the_node_running_the_projection_rebuilds_it_to_the_live_rows_and_it_goes_on_live()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, "tenant_acme", new { markup_percentage = 10 })).JsonAsync(HttpStatusCode.OK);
        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 30).Select(i => UsageRecord($"r{i}", user: $"tenant_{(i % 2 == 0 ? "acme" : "globex")}",
            cost: 0.01m * i, at: DateTimeOffset.UtcNow.AddDays(-(i % 3)))).ToArray())).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var live = (await SeriesAsync(org, "tenant_acme"), await SeriesAsync(org, "tenant_globex"));
        var newest = await AsyncShards.NewestAsync(app.Store, CancellationToken.None);
        await TableRows.WipeAsync(app.ConnectionString, org.Id, DailyActivityTables.Days, DailyActivityTables.Models);
        Assert.NotEqual(live, (await SeriesAsync(org, "tenant_acme"), await SeriesAsync(org, "tenant_globex")));

        var (exit, output, error) = await RebuildAsync(DailyActivityProjection.ProjectionName);

        Assert.True(exit == 0, error);
        Assert.Contains("an API node runs it", output);
        var done = output.Split('\n').Single(l => l.StartsWith($"{DailyActivityProjection.ProjectionName}: rebuilt up to event", StringComparison.Ordinal));
        Assert.Contains("events/s", done);
        Assert.Contains("100%", output); // the progress bar reached the end
        Assert.True(await AsyncShards.PositionAsync(app.Store, DailyActivityProjection.ProjectionName, CancellationToken.None) >= newest);
        Assert.Equal(live, (await SeriesAsync(org, "tenant_acme"), await SeriesAsync(org, "tenant_globex")));

        // Live again: new usage reaches the rebuilt projection.
        await (await PostUsageAsync(org.Ingest, UsageRecord("after", user: "tenant_acme", cost: 1m))).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var today = JsonDocument.Parse(await SeriesAsync(org, "tenant_acme")).RootElement.GetProperty("days").EnumerateArray().Last();
        Assert.Equal(1m + JsonDocument.Parse(live.Item1).RootElement.GetProperty("days").EnumerateArray().Last().GetProperty("spend").GetDecimal(),
            today.GetProperty("spend").GetDecimal());
    }

    [Fact]
    public async Task the_spend_logs_90_day_window_is_rebuilt_from_usage_with_past_timestamps()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var now = DateTimeOffset.UtcNow;
        await (await PostUsageAsync(org.Ingest,
            UsageRecord("yesterday", at: now.AddDays(-1)),
            UsageRecord("day-89", at: now.AddDays(-89)),
            UsageRecord("day-91", at: now.AddDays(-91)),
            UsageRecord("day-200", at: now.AddDays(-200)))).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        async Task<string> ExportAsync() => (await (await org.Owner.GetAsync("/v1/activity")).JsonAsync(HttpStatusCode.OK)).ToString();
        var live = await ExportAsync();
        Assert.Equal(["yesterday", "day-89"], JsonDocument.Parse(live).RootElement.GetProperty("data").EnumerateArray()
            .Select(r => r.GetProperty("request_id").GetString()));
        await TableRows.WipeAsync(app.ConnectionString, org.Id, SpendLogTable.Name);
        Assert.NotEqual(live, await ExportAsync());

        var (exit, _, error) = await RebuildAsync(SpendLogProjection.ProjectionName);

        Assert.True(exit == 0, error);
        Assert.Equal(live, await ExportAsync());
    }

    [Fact]
    public async Task a_request_left_behind_by_a_command_that_died_is_never_taken_later()
    {
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        async Task<long> RequestAsync(string age)
        {
            await using var insert = dataSource.CreateCommand(
                $"insert into {RebuildRequestsTable.Name} (projection, requested_at) values ($1, now() - $2::interval) returning id");
            insert.Parameters.Add(new NpgsqlParameter { Value = SpendLogProjection.ProjectionName });
            insert.Parameters.Add(new NpgsqlParameter { Value = age });
            return (long)(await insert.ExecuteScalarAsync())!;
        }
        async Task<(bool Started, bool Finished)> StateAsync(long id)
        {
            await using var read = dataSource.CreateCommand($"select started_at is not null, finished_at is not null from {RebuildRequestsTable.Name} where id = $1");
            read.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await read.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            return (reader.GetBoolean(0), reader.GetBoolean(1));
        }
        var stale = await RequestAsync("2 minutes");
        var fresh = await RequestAsync("0 seconds");

        // The node takes requests in order: once it has carried out the fresh one, it has passed the stale one by.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!(await StateAsync(fresh)).Finished)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the node never took the fresh request");
            await Task.Delay(100);
        }

        Assert.Equal((false, false), await StateAsync(stale));
        await using var cleanup = dataSource.CreateCommand($"delete from {RebuildRequestsTable.Name} where id = any($1)");
        cleanup.Parameters.Add(new NpgsqlParameter { Value = new[] { stale, fresh } });
        await cleanup.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task an_unknown_projection_is_refused_with_the_names_there_are_and_nothing_is_rebuilt()
    {
        var (exit, output, error) = await RebuildAsync(DailyActivityProjection.ProjectionName, "consumer_list");

        Assert.Equal(2, exit);
        Assert.Contains("nothing to rebuild is named consumer_list", error);
        Assert.Contains(SpendLogProjection.ProjectionName, error);
        Assert.Contains("consumer_ranking", error); // kept from the consumer rows, not an async projection, and rebuilt too
        Assert.Empty(output);
    }
}
