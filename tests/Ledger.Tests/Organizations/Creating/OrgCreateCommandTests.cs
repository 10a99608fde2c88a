using System.Net;
using System.Text.Json;
using Ledger.Api.Cli;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Organizations.Creating;

[Collection(LedgerCollection.Name)]
public sealed class OrgCreateCommandTests(LedgerApp app)
{
    [Fact]
    public async Task prints_the_org_and_two_working_tokens_as_its_last_line()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            Environment.SetEnvironmentVariable("LEDGER_DB", app.ConnectionString);
            exit = await OrgCommand.RunAsync(["create", "initech", "--owner", "bill"]);
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(0, exit);
        var created = JsonDocument.Parse(output.ToString().TrimEnd().Split('\n')[^1]).RootElement;
        var org = created.GetProperty("organization_id").GetGuid();
        var owner = app.Scenarios.Client(created.GetProperty("owner_token").GetString()!);
        var ingest = app.Scenarios.Client(created.GetProperty("ingest_token").GetString()!);

        await (await PostUsageAsync(ingest, UsageRecord("r1", "tps_reports"))).JsonAsync(HttpStatusCode.Accepted);
        var list = await (await owner.GetAsync($"/api/consumers?organization_id={org}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("tps_reports", Assert.Single(list.GetProperty("consumers").EnumerateArray()).GetProperty("end_user_id").GetString());
    }

    [Fact]
    public async Task prints_a_sign_in_link_before_the_json_that_signs_the_owner_in_once()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Environment.SetEnvironmentVariable("LEDGER_DB", app.ConnectionString);
            Assert.Equal(0, await OrgCommand.RunAsync(["create", "initrode", "--owner", "peter"]));
        }
        finally
        {
            Console.SetOut(original);
        }

        var lines = output.ToString().TrimEnd().Split('\n');
        var link = new Uri(lines[^2].Split(' ')[^1]);
        Assert.StartsWith("Sign in (once, within 10 minutes): http://127.0.0.1:5080/sign-in/link?code=", lines[^2], StringComparison.Ordinal);
        using var browser = app.CreateClient(new() { AllowAutoRedirect = false });
        var first = await browser.GetAsync(link.PathAndQuery);
        var second = await browser.GetAsync(link.PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode); // a page of this site moves on, so the SameSite=Strict cookie goes along
        Assert.Contains("url=/initrode/end-users", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ledger_session=", StringComparison.Ordinal));
        Assert.Equal("/sign-in?link=refused", second.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task stores_tokens_only_as_hashes()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var token = org.Owner.DefaultRequestHeaders.Authorization!.Parameter!;

        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select count(*) from ledger.mt_events where data::text like '%' || $1 || '%'", connection);
        command.Parameters.AddWithValue(token);
        await using var docs = new Npgsql.NpgsqlCommand(
            "select count(*) from ledger.mt_doc_accesstoken where data::text like '%' || $1 || '%'", connection);
        docs.Parameters.AddWithValue(token);

        Assert.Equal(0L, await command.ExecuteScalarAsync());
        Assert.Equal(0L, await docs.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("create")]
    [InlineData("create acme")]
    [InlineData("create acme --owner")]
    [InlineData("delete acme --owner bob")]
    public async Task refuses_incomplete_arguments(string args) =>
        Assert.Equal(2, await OrgCommand.RunAsync(args.Split(' ')));
}
