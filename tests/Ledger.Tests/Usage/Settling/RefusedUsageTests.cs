using System.Net;
using System.Text;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Usage.Settling;

/// <summary>Every refused post answers a problem document naming the field, and stores nothing.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RefusedUsageTests(LedgerApp app)
{
    private const string Valid = """{"request_id":"r-ok","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""";

    public static TheoryData<string, string> BadRecords => new()
    {
        { """{"request_id":"r1","key_id":"k","user":"USER","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""".Replace("USER", new string('u', 201)), "user" },
        { """{"request_id":"r1","key_id":"k","user":"tenant\u0007acme","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "user" },
        { """{"request_id":"r1","key_id":"k","user":"tenant\u200bacme","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "user" },
        { """{"request_id":"r1","key_id":"k","user":"\u202etenant","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "user" },
        { """{"request_id":"r1","key_id":"k","user":"u","user":"v","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "user" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"cost_usd":0.2,"status":"success"}""", "cost_usd" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":-1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "input_tokens" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":-5,"cost_usd":0.1,"status":"success"}""", "output_tokens" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":-0.1,"status":"success"}""", "cost_usd" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"ok"}""", "status" },
        { """{"key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "request_id" },
        { """{"request_id":"r1","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "key_id" },
        { """{"request_id":"r1","key_id":"k","user":"u","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "model" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","output_tokens":1,"cost_usd":0.1,"status":"success"}""", "input_tokens" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":"12","output_tokens":1,"cost_usd":0.1,"status":"success"}""", "input_tokens" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1.5,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "input_tokens" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success","occurred_at":"yesterday"}""", "occurred_at" },
        { """{"request_id":"r1","key_id":"k","user":42,"model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "user" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success","occured_at":"2026-11-01T00:00:00Z"}""", "occured_at" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":9223372036854775807,"output_tokens":1,"cost_usd":0.1,"status":"success"}""", "input_tokens" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1000000001,"cost_usd":0.1,"status":"success"}""", "output_tokens" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":1000000.01,"status":"success"}""", "cost_usd" },
        { """{"request_id":"r1","key_id":"k","user":"u","model":"m","input_tokens":1,"output_tokens":1,"cost_usd":0.1,"status":"success","occurred_at":"2999-01-01T00:00:00Z"}""", "occurred_at" },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public async Task a_bad_record_is_refused_with_the_field_named(string record, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await PostRawAsync(org.Ingest, "/v1/usage", record)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
        await AssertNothingStored(org);
    }

    [Theory]
    [MemberData(nameof(BadRecords))]
    public async Task a_batch_with_one_bad_record_is_refused_whole_naming_its_index(string record, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var batch = $"[{Valid.Replace("r-ok", "r-a")},{Valid.Replace("r-ok", "r-b")},{record}]";

        var problem = await (await PostRawAsync(org.Ingest, "/v1/usage", batch)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"records[2].{field}", problem.ErrorFields());
        await AssertNothingStored(org);
    }

    [Fact]
    public async Task a_null_record_in_a_batch_is_refused_naming_its_index()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await PostRawAsync(org.Ingest, "/v1/usage", $"[{Valid},null]")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("records[1]", problem.ErrorFields());
        await AssertNothingStored(org);
    }

    [Theory]
    [InlineData("{\"request_id\":")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"request_id\":\"r1\"} trailing")]
    public async Task malformed_or_empty_bodies_are_refused(string body)
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await PostRawAsync(org.Ingest, "/v1/usage", body)).ProblemAsync(HttpStatusCode.BadRequest);

        await AssertNothingStored(org);
    }

    [Fact]
    public async Task a_batch_over_1000_records_is_refused()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var batch = "[" + string.Join(",", Enumerable.Range(0, 1001).Select(i => Valid.Replace("r-ok", $"r-{i}"))) + "]";

        var problem = await (await PostRawAsync(org.Ingest, "/v1/usage", batch)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("records", problem.ErrorFields());
        await AssertNothingStored(org);
    }

    [Fact]
    public async Task an_oversized_body_is_refused_with_413()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var huge = Valid.Replace("\"m\"", $"\"{new string('m', 5 * 1024 * 1024)}\"");

        await (await PostRawAsync(org.Ingest, "/v1/usage", huge)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        await AssertNothingStored(org);
    }

    [Fact]
    public async Task text_that_is_not_utf8_is_refused()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var bytes = Encoding.UTF8.GetBytes(Valid.Replace("\"u\"", "\"\u00e9\"")).Select(b => b == 0xC3 ? (byte)0xFF : b).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");

        await (await org.Ingest.PostAsync("/v1/usage", content)).ProblemAsync(HttpStatusCode.BadRequest);

        await AssertNothingStored(org);
    }

    [Fact]
    public async Task only_the_ingest_token_may_post_usage()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await PostRawAsync(org.Anonymous, "/v1/usage", Valid)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostRawAsync(app.Scenarios.Client("ldg_not-a-real-token"), "/v1/usage", Valid)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostRawAsync(org.Owner, "/v1/usage", Valid)).ProblemAsync(HttpStatusCode.Forbidden);

        await AssertNothingStored(org);
    }

    private static async Task AssertNothingStored(TestOrganization org)
    {
        var totals = await (await org.Owner.GetAsync($"/api/usage/totals?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, totals.GetProperty("requests").GetInt64());
        var list = await (await org.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("total").GetInt64());
    }
}
