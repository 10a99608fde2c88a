using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Admissions;

/// <summary>Admission requests that are not well-formed: a problem naming the field, and nothing stored or reserved.</summary>
[Collection(LedgerCollection.Name)]
public class RefusedAdmissionTests(LedgerApp app)
{
    [Theory]
    [InlineData("""{"key_id":"k","model":"m"}""", "request_id")]
    [InlineData("""{"request_id":"r","model":"m"}""", "key_id")]
    [InlineData("""{"request_id":"r","key_id":"k"}""", "model")]
    [InlineData("""{"request_id":"r","key_id":"k","model":"m","estimated_cost_usd":-0.01}""", "estimated_cost_usd")]
    [InlineData("""{"request_id":"r","key_id":"k","model":"m","estimated_input_tokens":-1}""", "estimated_input_tokens")]
    [InlineData("""{"request_id":"r","key_id":"k","model":"m","estimated_cost_usd":"0.5"}""", "estimated_cost_usd")]
    [InlineData("""{"request_id":"r\u0000","key_id":"k","model":"m"}""", "request_id")]
    [InlineData("""{"request_id":"r","key_id":"k","model":"m","user":"tenant\u200bacme"}""", "user")]
    [InlineData("""{"request_id":"r","key_id":"k","model":"m","user":"\u202etenant"}""", "user")]
    [InlineData("""{"request_id":"r","key_id":"k","model":"m","user":"a","user":"b"}""", "user")]
    [InlineData("""{"request_id":"r","key_id":"k","model":"m","cost":1}""", "cost")]
    [InlineData("""[{"request_id":"r","key_id":"k","model":"m"}]""", "body")]
    public async Task a_malformed_admission_is_refused_with_400_and_reserves_nothing(string body, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await PostRawAsync(org.Ingest, "/v1/admissions", body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(0, await OpenReservationsAsync(app, org.Id));
        Assert.Equal(0, await EventsAppendedAsync(app, org.Id, "request_rejected"));
    }

    [Fact]
    public async Task an_empty_user_is_no_consumer_so_only_key_and_team_caps_apply()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PutDefaultsAsync(org.Owner, org.Id, new { rpm_limit = 1 })).JsonAsync(HttpStatusCode.OK);

        await AdmittedAsync(org.Ingest, "r1", user: "");
        await AdmittedAsync(org.Ingest, "r2", user: "");
    }
}
