using System.Net;
using System.Text.Json;
using Ledger.Api.Cli;
using Ledger.Projections.ConsumerRanking;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Listing;

/// <summary>
/// The list's rows, figures and total are those of the inline Consumer read model at once; the
/// whole list's order comes from the consumer ranking, which follows once its projection has caught up.
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
    public async Task the_total_and_the_rows_follow_registrations_and_retirements_as_they_happen()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PreRegisterAsync(org.Owner, org.Id, "pre_1")).JsonAsync(HttpStatusCode.Created);
        await (await PreRegisterAsync(org.Owner, org.Id, "pre_2")).JsonAsync(HttpStatusCode.Created);
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "pre_1"), UsageRecord("r2", "traffic_1"))).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal((3, 3), await TotalAndRowsAsync(org));
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        Assert.Equal((3, 3), await TotalAndRowsAsync(org));

        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=pre_2").SucceededAsync();
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=traffic_1").SucceededAsync();
        Assert.Equal((1, 1), await TotalAndRowsAsync(org));
        Assert.Equal(0, (await List(org, "&search=traffic")).GetProperty("total").GetInt64());

        // Traffic brings a retired consumer back; pre-registering one already listed counts it once.
        await (await PostUsageAsync(org.Ingest, UsageRecord("r3", "traffic_1"))).JsonAsync(HttpStatusCode.Accepted);
        await (await PreRegisterAsync(org.Owner, org.Id, "pre_1", rpm: 5)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal((2, 2), await TotalAndRowsAsync(org));
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        Assert.Equal((2, 2), await TotalAndRowsAsync(org));
        Assert.Equal(1, (await List(org, "&search=traffic")).GetProperty("total").GetInt64());
        var pastTheEnd = await List(org, "&search=pre&page=3");
        Assert.Equal(0, pastTheEnd.GetProperty("consumers").GetArrayLength());
        Assert.Equal(1, pastTheEnd.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task a_retirement_and_a_registration_that_leave_the_count_as_it_was_still_reorder_the_list()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "a_first"), UsageRecord("r2", "b_second"))).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        Assert.Equal(["a_first", "b_second"], Ids(await List(org, "&sort=end_user_id&order=asc")));

        // Two consumers listed before and after, so only the count of changes tells the stored order is old.
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=a_first").SucceededAsync();
        await (await PreRegisterAsync(org.Owner, org.Id, "c_third")).JsonAsync(HttpStatusCode.Created);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        Assert.Equal(["b_second", "c_third"], Ids(await List(org, "&sort=end_user_id&order=asc")));
        Assert.Equal(["c_third", "b_second"], Ids(await List(org, "&sort=end_user_id&order=desc")));
    }

    [Fact]
    public async Task pages_of_a_long_list_follow_each_other_in_both_directions()
    {
        var org = await app.Scenarios.OrganizationAsync();
        // More consumers than one stored chunk holds, so pages cross from one chunk to the next.
        var count = ConsumerRankingTable.ChunkSize + 60;
        for (var batch = 0; batch < count; batch += 500)
            await (await PostUsageAsync(org.Ingest, Enumerable.Range(batch, Math.Min(500, count - batch))
                .Select(i => UsageRecord($"r{i}", $"c{i * 7919 % count:D5}", cost: 0.01m * (i % 13))).ToArray())).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        var byName = Enumerable.Range(0, count).Select(i => $"c{i:D5}").ToList();
        Assert.Equal(byName.Skip(975).Take(25), Ids(await List(org, "&sort=end_user_id&order=asc&page=40")));
        Assert.Equal(byName.Skip(1000).Take(25), Ids(await List(org, "&sort=end_user_id&order=asc&page=41")));

        // The pages are the stored order's: store a known one (names shuffled) and read it back both ways.
        var stored = byName.OrderBy(n => n.GetHashCode()).ToList();
        await StoreOrderAsync(org.Id, "end_user_id", stored);
        Assert.Equal(stored.Skip(975).Take(25), Ids(await List(org, "&sort=end_user_id&order=asc&page=40")));
        Assert.Equal(stored.Skip(1000).Take(25), Ids(await List(org, "&sort=end_user_id&order=asc&page=41")));
        stored.Reverse();
        Assert.Equal(stored.Skip(50).Take(25), Ids(await List(org, "&sort=end_user_id&order=desc&page=3")));
        Assert.Equal(stored.Skip(975).Take(25), Ids(await List(org, "&sort=end_user_id&order=desc&page=40")));
        Assert.Equal(stored.Skip(1050).Take(10), Ids(await List(org, "&sort=end_user_id&order=desc&page=43")));
        Assert.Empty(Ids(await List(org, "&sort=end_user_id&order=desc&page=44")));

        // Every page of the spend order, read backwards, is the whole list in order: each consumer once.
        var pages = new List<string>();
        for (var page = 1; page <= 43; page++) pages.AddRange(Ids(await List(org, $"&sort=total_spend&order=desc&page={page}")));
        Assert.Equal(count, pages.Distinct().Count());
        var spendOrder = await List(org, "&sort=total_spend&order=asc&page=1");
        Assert.Equal(pages.TakeLast(25).Reverse(), Ids(spendOrder));
    }

    [Fact]
    public async Task a_searched_list_and_the_whole_list_agree_on_names_in_any_script()
    {
        var org = await app.Scenarios.OrganizationAsync();
        // Upper and lower case, accents, CJK, a private-use character (U+E000) and one beyond U+FFFF,
        // which UTF-16 alone would sort the other way round; each ends in "_n".
        string[] names = ["Zoe_n", "alice_n", "ALICE_n", "émile_n", "Émile_n", "日本_n", "\uE000x_n", "\U0001F600x_n", "x_1_n", "x-1_n", "x1_n"];
        await (await PostUsageAsync(org.Ingest, names.Select((n, i) => UsageRecord($"r{i}", n, cost: 1m)).ToArray())).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        foreach (var order in new[] { "asc", "desc" })
        {
            var whole = Ids(await List(org, $"&sort=total_spend&order={order}"));
            Assert.Equal(names.Length, whole.Count);
            Assert.Equal(whole, Ids(await List(org, $"&sort=total_spend&order={order}&search=_n")));
        }
    }

    [Fact]
    public async Task rebuilding_the_ranking_restores_the_orders()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PreRegisterAsync(org.Owner, org.Id, "never_used")).JsonAsync(HttpStatusCode.Created);
        await (await PostUsageAsync(org.Ingest, Enumerable.Range(0, 12)
            .Select(i => UsageRecord($"r{i}", $"tenant_{i % 4}", cost: 0.5m * (i % 4 + 1), at: DateTimeOffset.UtcNow.AddMinutes(-i))).ToArray()))
            .JsonAsync(HttpStatusCode.Accepted);
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id=tenant_0").SucceededAsync();
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var live = await TableRows.OfAsync(app.ConnectionString, ConsumerRankingTable.Name, org.Id);
        var order = Ids(await List(org, "&sort=total_spend&order=desc"));
        Assert.Equal(["tenant_3", "tenant_2", "tenant_1", "never_used"], order);
        Assert.Equal(["never_used", "tenant_3", "tenant_2", "tenant_1"], Ids(await List(org, "&sort=last_active&order=asc")));

        // Lose what the ranking knows of the organization: one order, and the others scrambled.
        await ExecuteAsync($"delete from {ConsumerRankingTable.Name} where organization_id = $1 and sort_key = 'requests'", org.Id);
        await ExecuteAsync($"update {ConsumerRankingTable.Name} set end_user_ids = array['tenant_0'], members = 1 where organization_id = $1", org.Id);
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await ProjectionsCommand.RebuildAsync(app.Store, dataSource, [ConsumerRankingRefresh.Name],
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

    private async Task StoreOrderAsync(Guid org, string sort, List<string> ids)
    {
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        for (var chunk = 0; chunk * ConsumerRankingTable.ChunkSize < ids.Count; chunk++)
        {
            await using var command = dataSource.CreateCommand(
                $"update {ConsumerRankingTable.Name} set end_user_ids = $4 where organization_id = $1 and sort_key = $2 and chunk = $3");
            foreach (var value in new object[] { org, sort, chunk, ids.Skip(chunk * ConsumerRankingTable.ChunkSize).Take(ConsumerRankingTable.ChunkSize).ToArray() })
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
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
