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

        var (exit, _, error) = await RebuildAsync(SpendLogProjection.ProjectionName);

        Assert.True(exit == 0, error);
        Assert.Equal(live, await ExportAsync());
    }

    [Fact]
    public async Task a_request_left_behind_by_a_command_that_died_is_never_taken_later()
    {
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        await using var insert = dataSource.CreateCommand(
            $"insert into {RebuildRequestsTable.Name} (projection, requested_at) values ($1, now() - interval '2 minutes') returning id");
        insert.Parameters.Add(new NpgsqlParameter { Value = SpendLogProjection.ProjectionName });
        var id = (long)(await insert.ExecuteScalarAsync())!;

        await Task.Delay(3 * Ledger.Api.Hosting.RebuildRequests.Poll);

        await using var read = dataSource.CreateCommand($"delete from {RebuildRequestsTable.Name} where id = $1 returning started_at is null");
        read.Parameters.Add(new NpgsqlParameter { Value = id });
        Assert.True((bool)(await read.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task an_unknown_projection_is_refused_with_the_names_there_are_and_nothing_is_rebuilt()
    {
        var (exit, output, error) = await RebuildAsync(DailyActivityProjection.ProjectionName, "consumer_list");

        Assert.Equal(2, exit);
        Assert.Contains("no async projection named consumer_list", error);
        Assert.Contains(SpendLogProjection.ProjectionName, error);
        Assert.Empty(output);
    }
}
