using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Importing;

[Collection(LedgerCollection.Name)]
public sealed class BulkImportTests(LedgerApp app)
{
    internal const string Header = "end_user_id,max_budget,rpm_limit,tpm_limit,notes\n";

    [Fact]
    public async Task a_file_with_a_bom_crlf_and_quoted_notes_registers_each_consumer_with_zero_usage_and_its_caps()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var csv = "end_user_id,max_budget,rpm_limit,tpm_limit,notes\r\n" +
            "tenant_acme,25.50,60,100000,\"Pro plan, billed yearly\"\r\n" +
            "tenant_globex,10,30,50000,\"line one\r\nline \"\"two\"\"\"\r\n";

        var result = await (await ImportAsync(org.Owner, org.Id, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)])).JsonAsync(HttpStatusCode.OK);

        Assert.Equal((2, 2, 0), (result.GetProperty("imported").GetInt32(), result.GetProperty("registered").GetInt32(), result.GetProperty("updated").GetInt32()));
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        var rows = await ConsumersAsync(org);
        Assert.Equal(["tenant_acme", "tenant_globex"], rows.Select(r => r.GetProperty("end_user_id").GetString()).Order());
        Assert.All(rows, r => Assert.Equal((0L, 0m), (r.GetProperty("requests").GetInt64(), r.GetProperty("total_spend").GetDecimal())));
        var acme = await OverrideAsync(org, "tenant_acme");
        Assert.Equal(25.50m, acme.GetProperty("max_budget").GetDecimal());
        Assert.Equal(60, acme.GetProperty("rpm_limit").GetInt64());
        Assert.Equal(100_000, acme.GetProperty("tpm_limit").GetInt64());
        Assert.Equal("Pro plan, billed yearly", acme.GetProperty("notes").GetString());
        Assert.Equal("line one\r\nline \"two\"", (await OverrideAsync(org, "tenant_globex")).GetProperty("notes").GetString());
    }

    [Fact]
    public async Task empty_cells_mean_no_cap()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await ImportAsync(org.Owner, org.Id, Header + "tenant_acme,,60,,\ntenant_globex,,,,\n")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(2, (await ConsumersAsync(org)).Count);
        var acme = await OverrideAsync(org, "tenant_acme");
        Assert.Equal(60, acme.GetProperty("rpm_limit").GetInt64());
        Assert.All(new[] { "max_budget", "tpm_limit", "notes" }, f => Assert.Equal(JsonValueKind.Null, acme.GetProperty(f).ValueKind));
        Assert.Empty(await OverridesAsync(org, "tenant_globex"));
    }

    [Fact]
    public async Task a_column_left_out_leaves_that_cap_of_existing_consumers_alone()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme", maxBudget: 100m, rpm: 60, notes: "pro").SucceededAsync();

        await (await ImportAsync(org.Owner, org.Id, "end_user_id,notes\ntenant_acme,vip\ntenant_new,\n")).JsonAsync(HttpStatusCode.OK);

        var acme = await OverrideAsync(org, "tenant_acme");
        Assert.Equal(100m, acme.GetProperty("max_budget").GetDecimal());
        Assert.Equal(60, acme.GetProperty("rpm_limit").GetInt64());
        Assert.Equal("vip", acme.GetProperty("notes").GetString());
        Assert.Empty(await OverridesAsync(org, "tenant_new"));
    }

    [Fact]
    public async Task partial_mode_imports_the_good_rows_and_reports_the_bad_ones()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var csv = Header + "tenant_max,1000000000,1000000000,1000000000,\ntenant_bad,,0,,\ntenant_zero,0,1,1,\ndefault_user_id,,,,\n";

        var result = await (await ImportAsync(org.Owner, org.Id, csv, "&mode=partial")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(2, result.GetProperty("imported").GetInt32());
        Assert.Equal([(3, "rpm_limit"), (5, "end_user_id")], Errors(result));
        Assert.Equal(["tenant_max", "tenant_zero"], (await ConsumersAsync(org)).Select(r => r.GetProperty("end_user_id").GetString()).Order());
        Assert.Equal(1_000_000_000m, (await OverrideAsync(org, "tenant_max")).GetProperty("max_budget").GetDecimal());
        Assert.Equal(0m, (await OverrideAsync(org, "tenant_zero")).GetProperty("max_budget").GetDecimal());
    }

    [Fact]
    public async Task re_importing_updates_existing_consumers_including_one_seen_through_traffic_without_duplicating_them()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_traffic", cost: 0.5m))).JsonAsync(HttpStatusCode.Accepted);

        var first = await (await ImportAsync(org.Owner, org.Id, Header + "tenant_traffic,5,,,\ntenant_new,1,10,,\n")).JsonAsync(HttpStatusCode.OK);
        var second = await (await ImportAsync(org.Owner, org.Id, Header + "tenant_traffic,7,20,,\ntenant_new,,,,later\n")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal((1, 1), (first.GetProperty("registered").GetInt32(), first.GetProperty("updated").GetInt32()));
        Assert.Equal((0, 2), (second.GetProperty("registered").GetInt32(), second.GetProperty("updated").GetInt32()));
        var rows = await ConsumersAsync(org);
        Assert.Equal(["tenant_new", "tenant_traffic"], rows.Select(r => r.GetProperty("end_user_id").GetString()).Order());
        var traffic = rows.Single(r => r.GetProperty("end_user_id").GetString() == "tenant_traffic");
        Assert.Equal((1L, 0.5m), (traffic.GetProperty("requests").GetInt64(), traffic.GetProperty("total_spend").GetDecimal()));
        var caps = await OverrideAsync(org, "tenant_traffic");
        Assert.Equal((7m, 20L), (caps.GetProperty("max_budget").GetDecimal(), caps.GetProperty("rpm_limit").GetInt64()));
        var renewed = await OverrideAsync(org, "tenant_new");
        Assert.Equal(JsonValueKind.Null, renewed.GetProperty("max_budget").ValueKind);
        Assert.Equal(JsonValueKind.Null, renewed.GetProperty("rpm_limit").ValueKind);
        Assert.Equal("later", renewed.GetProperty("notes").GetString());
    }

    [Fact]
    public async Task an_end_user_id_repeated_in_one_file_is_reported_on_its_second_line()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var csv = Header + "tenant_acme,1,,,\ntenant_globex,,,,\ntenant_acme,2,,,\n";

        var problem = await (await ImportAsync(org.Owner, org.Id, csv)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([(4, "end_user_id")], Errors(problem));
        Assert.Contains("line 2", problem.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(0, await TotalAsync(org));

        await (await ImportAsync(org.Owner, org.Id, csv, "&mode=partial")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1m, (await OverrideAsync(org, "tenant_acme")).GetProperty("max_budget").GetDecimal());
    }

    [Fact]
    public async Task the_audit_log_gets_a_consumer_registered_entry_for_each_new_consumer_by_the_importer()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_traffic"))).JsonAsync(HttpStatusCode.Accepted);

        await (await ImportAsync(org.Owner, org.Id, Header + "tenant_acme,5,,,\ntenant_globex,,,,\ntenant_traffic,,30,,\n")).JsonAsync(HttpStatusCode.OK);

        await app.Scenarios.AsyncProjectionsCaughtUpAsync();
        var log = await (await org.Owner.GetAsync($"/api/audit-log?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        var entries = log.GetProperty("entries").EnumerateArray().Select(e =>
            (e.GetProperty("action").GetString(), e.GetProperty("end_user_id").GetString(), e.GetProperty("actor").GetString())).Order();
        Assert.Equal([("consumer_registered", "tenant_acme", "alice"), ("consumer_registered", "tenant_globex", "alice"),
            ("override_changed", "tenant_acme", "alice"), ("override_changed", "tenant_traffic", "alice")], entries);
    }

    internal static async Task<HttpResponseMessage> ImportAsync(HttpClient client, Guid org, string csv, string query = "", string type = "text/csv") =>
        await ImportAsync(client, org, Encoding.UTF8.GetBytes(csv), query, type);

    internal static async Task<HttpResponseMessage> ImportAsync(HttpClient client, Guid org, byte[] body, string query = "", string type = "text/csv")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new(type);
        return await client.PostAsync($"/api/end-users/bulk?organization_id={org}{query}", content);
    }

    internal static List<(int, string?)> Errors(JsonElement body) =>
        [.. body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString()))];

    internal static async Task<List<JsonElement>> ConsumersAsync(TestOrganization org) =>
        [.. (await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}")).GetProperty("consumers").EnumerateArray()];

    internal static async Task<long> TotalAsync(TestOrganization org) =>
        (await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}")).GetProperty("total").GetInt64();

    internal static async Task<List<JsonElement>> OverridesAsync(TestOrganization org, string endUserId)
    {
        var body = await (await org.Owner.GetAsync($"/api/end-users/overrides?organization_id={org.Id}&end_user_id={endUserId}")).JsonAsync(HttpStatusCode.OK);
        return [.. body.GetProperty("overrides").EnumerateArray()];
    }

    internal static async Task<JsonElement> OverrideAsync(TestOrganization org, string endUserId) => Assert.Single(await OverridesAsync(org, endUserId));
}
