using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Consumers.Importing.BulkImportTests;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Registering;

/// <summary>Ids arrive in NFC on every path: two spellings of one text name one consumer.</summary>
[Collection(LedgerCollection.Name)]
public sealed class NormalizedIdsTests(LedgerApp app)
{
    private const string Composed = "r\u00e9my", Decomposed = "re\u0301my";

    [Fact]
    public async Task a_consumer_sent_decomposed_by_usage_and_composed_by_pre_registration_is_one_consumer()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", Decomposed))).JsonAsync(HttpStatusCode.Accepted);

        var again = await (await PreRegisterAsync(org.Owner, org.Id, Composed, rpm: 60)).JsonAsync(HttpStatusCode.OK);
        await (await ImportAsync(org.Owner, org.Id, Header + Decomposed + ",,,,from the file\n")).JsonAsync(HttpStatusCode.OK);
        await (await AddTagAsync(org.Owner, org.Id, Decomposed, "plan:caf\u0065\u0301")).JsonAsync(HttpStatusCode.Created);

        Assert.False(again.GetProperty("registered").GetBoolean());
        var row = Assert.Single((await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}"))
            .GetProperty("consumers").EnumerateArray());
        Assert.Equal(Composed, row.GetProperty("end_user_id").GetString());
        Assert.Equal(["plan:caf\u00e9"], row.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var overrides = await (await org.Owner.GetAsync($"/api/end-users/overrides?organization_id={org.Id}&end_user_id={Uri.EscapeDataString(Decomposed)}"))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("from the file", Assert.Single(overrides.GetProperty("overrides").EnumerateArray()).GetProperty("notes").GetString());
    }

    [Fact]
    public async Task an_admission_for_the_decomposed_id_meets_the_composed_consumers_caps()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await OverrideAsync(org, Composed, new { rpm_limit = 1 })).JsonAsync(HttpStatusCode.OK);

        await AdmittedAsync(org.Ingest, "a1", user: Decomposed);
        var problem = await (await AdmitAsync(org.Ingest, "a2", user: Decomposed)).ProblemAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal("consumer", problem.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task a_decomposed_id_in_a_path_or_query_names_the_composed_consumer()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", Composed))).JsonAsync(HttpStatusCode.Accepted);
        var id = Uri.EscapeDataString(Decomposed);

        var series = await (await org.Owner.GetAsync($"/api/consumers/{id}/activity?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        await org.Owner.DeleteAsync($"/api/end-users?organization_id={org.Id}&end_user_id={id}").SucceededAsync();

        Assert.Equal(Composed, series.GetProperty("end_user_id").GetString());
        Assert.Equal(0, (await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task a_decomposed_user_in_an_export_filter_finds_the_composed_consumer()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", Composed), UsageRecord("r2", "other"))).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        var page = await (await org.Owner.GetAsync($"/v1/activity?user={Uri.EscapeDataString(Decomposed)}")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(["r1"], page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("request_id").GetString()));
    }
}
