using System.Net;
using System.Text.Json;
using Ledger.Api.Cli;
using Ledger.Projections.ConsumerRanking;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Listing;

/// <summary>
/// The list's rows, figures and total are those of the inline Consumer read model at once; its
/// order comes from the consumer ranking, which follows later usage once its projection has caught up.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ListOrderTests(LedgerApp app)
{
    [Fact]
    public async Task later_usage_shows_at_once_and_reorders_the_list_once_the_ranking_has_caught_up()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var day = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        await (await PostUsageAsync(org.Ingest,
            UsageRecord("r1", "a_early", cost: 5m, at: day.AddDays(2)),
            UsageRecord("r2", "a_early", cost: 5m, at: day.AddDays(2)),
            UsageRecord("r3", "b_late", cost: 1m, at: day))).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(["a_early", "b_late"], Ids(await List(org, "&sort=total_spend&order=desc")));

        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 3)
            .Select(i => UsageRecord($"later{i}", "b_late", cost: 4m, at: day.AddDays(5))).ToArray())).JsonAsync(HttpStatusCode.Accepted);
        var b = (await List(org, "&sort=end_user_id&order=asc")).GetProperty("consumers")[1];
        Assert.Equal(13m, b.GetProperty("total_spend").GetDecimal()); // the figures are current at once
        Assert.Equal(4, b.GetProperty("requests").GetInt64());

        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        Assert.Equal(["b_late", "a_early"], Ids(await List(org, "&sort=total_spend&order=desc")));
        Assert.Equal(["b_late", "a_early"], Ids(await List(org, "&sort=requests&order=desc")));
        Assert.Equal(["a_early", "b_late"], Ids(await List(org, "&sort=last_active&order=asc")));
    }

    [Fact]
    public async Task the_total_counts_registrations_and_retirements_as_they_happen()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PreRegisterAsync(org.Owner, org.Id, "pre_1")).JsonAsync(HttpStatusCode.Created);
        await (await PreRegisterAsync(org.Owner, org.Id, "pre_2")).JsonAsync(HttpStatusCode.Created);
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "pre_1"), UsageRecord("r2", "traffic_1"))).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal((3, 3), await TotalAndRowsAsync(org));

        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=pre_2");
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=traffic_1");
        Assert.Equal((1, 1), await TotalAndRowsAsync(org));
        Assert.Equal(0, (await List(org, "&search=traffic")).GetProperty("total").GetInt64());

        // Traffic brings a retired consumer back; pre-registering one already listed counts it once.
        await (await PostUsageAsync(org.Ingest, UsageRecord("r3", "traffic_1"))).JsonAsync(HttpStatusCode.Accepted);
        await (await PreRegisterAsync(org.Owner, org.Id, "pre_1", rpm: 5)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal((2, 2), await TotalAndRowsAsync(org));
        Assert.Equal(1, (await List(org, "&search=traffic")).GetProperty("total").GetInt64());
        var pastTheEnd = await List(org, "&search=pre&page=3");
        Assert.Equal(0, pastTheEnd.GetProperty("consumers").GetArrayLength());
        Assert.Equal(1, pastTheEnd.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task rebuilding_the_ranking_restores_the_rows_and_the_order()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PreRegisterAsync(org.Owner, org.Id, "never_used")).JsonAsync(HttpStatusCode.Created);
        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 12)
            .Select(i => UsageRecord($"r{i}", $"tenant_{i % 4}", cost: 0.5m * (i % 4 + 1), at: DateTimeOffset.UtcNow.AddMinutes(-i))).ToArray()))
            .JsonAsync(HttpStatusCode.Accepted);
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_0");
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var live = await TableRows.OfAsync(app.ConnectionString, ConsumerRankingTable.Name, org.Id);
        var order = Ids(await List(org, "&sort=total_spend&order=desc"));
        Assert.Equal(["tenant_3", "tenant_2", "tenant_1", "never_used"], order);

        // Lose what the ranking knows of the organization: a row, and the sort keys of the others.
        await ExecuteAsync($"delete from {ConsumerRankingTable.Name} where organization_id = $1 and end_user_id = 'never_used'", org.Id);
        await ExecuteAsync($"update {ConsumerRankingTable.Name} set total_spend = 0, requests = 0 where organization_id = $1", org.Id);
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await ProjectionsCommand.RebuildAsync(app.Store, dataSource, [ConsumerRankingProjection.ProjectionName],
            output, error, interactive: false, CancellationToken.None);

        Assert.True(exit == 0, error.ToString());
        Assert.Equal(live, await TableRows.OfAsync(app.ConnectionString, ConsumerRankingTable.Name, org.Id));
        Assert.Equal(order, Ids(await List(org, "&sort=total_spend&order=desc")));
    }

    private async Task<(long Total, int Rows)> TotalAndRowsAsync(TestOrganization org)
    {
        var page = await List(org, "");
        return (page.GetProperty("total").GetInt64(), page.GetProperty("consumers").GetArrayLength());
    }

    private async Task ExecuteAsync(string sql, Guid org)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(org);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<JsonElement> List(TestOrganization org, string query) =>
        await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}{query}")).JsonAsync(HttpStatusCode.OK);

    private static List<string> Ids(JsonElement page) =>
        [.. page.GetProperty("consumers").EnumerateArray().Select(c => c.GetProperty("end_user_id").GetString()!)];
}
