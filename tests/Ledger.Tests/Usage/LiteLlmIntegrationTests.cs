using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Infrastructure;
using Marten;
using static Ledger.Tests.Infrastructure.Scenarios;
using static Ledger.Tests.Usage.LiteLlmPayloads;

namespace Ledger.Tests.Usage;

/// <summary>POST /v1/integrations/litellm: LiteLLM's generic_api logger, pointed at Ledger by configuration alone.</summary>
[Collection(LedgerCollection.Name)]
public sealed class LiteLlmIntegrationTests(LedgerApp app)
{
    private const string Path = "/v1/integrations/litellm";

    [Fact]
    public async Task a_json_array_batch_settles_each_request_for_its_end_user()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var body = await PostAsync(org, ArrayBody(
            Payload("chatcmpl-1", "tenant_acme", prompt: 120, completion: 30, cost: 0.25),
            Payload("chatcmpl-2", "tenant_acme", prompt: 10, completion: 5, cost: 0.00022500000000000002),
            Payload("chatcmpl-3", "tenant_globex", prompt: 1, completion: 1, cost: 0.5)));

        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        var acme = await ConsumerAsync(org, "tenant_acme");
        Assert.Equal(2, acme.GetProperty("requests").GetInt64());
        Assert.Equal(165, acme.GetProperty("total_tokens").GetInt64());
        Assert.Equal(0.250225m, acme.GetProperty("total_spend").GetDecimal());
        Assert.Equal(0.5m, (await ConsumerAsync(org, "tenant_globex")).GetProperty("total_spend").GetDecimal());
    }

    [Fact]
    public async Task a_payload_litellm_could_not_price_is_priced_from_the_model_price_table()
    {
        var org = await app.Scenarios.OrganizationAsync();

        // gpt-4o ships at 2.50 per million input tokens and 10 per million output tokens (docs/model-prices.md).
        await PostAsync(org, ArrayBody(Payload("unpriced-1", prompt: 1_000_000, completion: 500_000, cost: null)));

        Assert.Equal(7.5m, (await ConsumerAsync(org, "tenant_acme")).GetProperty("total_spend").GetDecimal());
    }

    [Fact]
    public async Task ndjson_and_single_payloads_settle_as_the_array_does_whatever_the_content_type()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await PostAsync(org, NdjsonBody(Payload("nd-1"), Payload("nd-2"), Payload("nd-3")) + "\n", "application/json");
        await PostAsync(org, Payload("single-1").ToJsonString(), "text/plain");
        await PostAsync(org, ArrayBody(Payload("array-1")), "application/x-ndjson");

        Assert.Equal(5, (await ConsumerAsync(org, "tenant_acme")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task each_field_is_mapped_onto_the_usage_a_user_sees()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-2);

        await PostAsync(org, ArrayBody(Payload("chatcmpl-map", "tenant_acme", keyHash: "hash-1", team: "team-9", model: "azure/gpt-4o-eu",
            modelGroup: "gpt-4o", provider: "azure", prompt: 7, completion: 3, cost: 0.125,
            start: Epoch(start), end: Epoch(start.AddMilliseconds(1234)))));

        var row = Assert.Single(await app.Scenarios.ActivityAsync(org));
        Assert.Equal("chatcmpl-map", row.GetProperty("request_id").GetString());
        Assert.Equal("tenant_acme", row.GetProperty("user").GetString());
        Assert.Equal("hash-1", row.GetProperty("key_id").GetString());
        Assert.Equal("gpt-4o", row.GetProperty("model").GetString()); // the model group the caller asked for, not the deployment
        Assert.Equal(7, row.GetProperty("input_tokens").GetInt64());
        Assert.Equal(3, row.GetProperty("output_tokens").GetInt64());
        Assert.Equal(0.125m, row.GetProperty("cost_usd").GetDecimal());
        Assert.Equal("success", row.GetProperty("status").GetString());
        Assert.Equal(start.ToUnixTimeMilliseconds(), row.GetProperty("occurred_at").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var stored = Assert.Single(await app.Scenarios.StoredUsageAsync(org));
        Assert.Equal(("team-9", "azure", 1234), (stored.TeamId, stored.Provider, stored.LatencyMs));
    }

    [Fact]
    public async Task the_key_alias_stands_for_a_key_without_a_hash_and_the_deployment_model_for_an_empty_group()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await PostAsync(org, ArrayBody(Payload("chatcmpl-alias", keyHash: null, keyAlias: "prod-key", model: "gpt-4o-mini", modelGroup: "")));

        var row = Assert.Single(await app.Scenarios.ActivityAsync(org));
        Assert.Equal("prod-key", row.GetProperty("key_id").GetString());
        Assert.Equal("gpt-4o-mini", row.GetProperty("model").GetString());
    }

    [Fact]
    public async Task the_end_user_is_taken_from_the_key_metadata_when_the_request_named_none()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await PostAsync(org, ArrayBody(
            Payload("chatcmpl-1", endUser: "", endUserInKey: "customer-42"),
            Payload("chatcmpl-2", endUser: null, endUserInKey: "customer-42"),
            Payload("chatcmpl-3", endUser: "tenant_acme", endUserInKey: "customer-42")));

        Assert.Equal(2, (await ConsumerAsync(org, "customer-42")).GetProperty("requests").GetInt64());
        Assert.Equal(1, (await ConsumerAsync(org, "tenant_acme")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task a_retried_batch_never_counts_twice()
    {
        var org = await app.Scenarios.OrganizationAsync();
        JsonObject[] Batch() => [Payload("chatcmpl-1", cost: 0.1), Payload("chatcmpl-2", cost: 0.1)];

        await PostAsync(org, ArrayBody(Batch()));
        var retry = await PostAsync(org, NdjsonBody([.. Batch(), Payload("chatcmpl-3", cost: 0.1)]));

        Assert.Equal(1, retry.GetProperty("accepted").GetInt32());
        Assert.Equal(2, retry.GetProperty("duplicates").GetInt32());
        var row = await ConsumerAsync(org, "tenant_acme");
        Assert.Equal(3, row.GetProperty("requests").GetInt64());
        Assert.Equal(0.3m, row.GetProperty("total_spend").GetDecimal());
    }

    [Fact]
    public async Task a_failed_request_is_counted_as_an_error()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await PostAsync(org, ArrayBody(Payload("chatcmpl-ok"), Payload("chatcmpl-failed", status: "failure", prompt: 0, completion: 0, cost: 0)));

        var statuses = (await app.Scenarios.ActivityAsync(org)).ToDictionary(r => r.GetProperty("request_id").GetString()!, r => r.GetProperty("status").GetString());
        Assert.Equal("error", statuses["chatcmpl-failed"]);
        Assert.Equal("success", statuses["chatcmpl-ok"]);
        Assert.Equal(2, (await ConsumerAsync(org, "tenant_acme")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task times_come_as_epoch_seconds_or_as_python_datetime_strings_in_utc()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var early = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(-3).Date, TimeSpan.Zero).AddHours(9).AddTicks(8_473_710);
        var late = early.AddDays(1);

        await PostAsync(org, ArrayBody(
            Payload("by-string", start: PythonTime(early), end: PythonTime(early.AddSeconds(2))),
            Payload("by-epoch", start: Epoch(late))));

        var row = await ConsumerAsync(org, "tenant_acme");
        Assert.Equal(early, row.GetProperty("first_seen").GetDateTimeOffset());
        Assert.Equal(late.ToUnixTimeMilliseconds(), row.GetProperty("last_active").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Contains(2000, (await app.Scenarios.StoredUsageAsync(org)).Select(u => u.LatencyMs));
    }

    [Fact]
    public async Task messages_and_responses_are_never_stored()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await PostAsync(org, ArrayBody(Payload("chatcmpl-secret")));

        await using var session = app.Store.QuerySession();
        var raw = await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName == "usage_settled").ToListAsync();
        Assert.DoesNotContain(raw, e => JsonSerializer.Serialize(e.Data).Contains("must not keep", StringComparison.Ordinal));
        Assert.Single(await app.Scenarios.StoredUsageAsync(org));
    }

    public static TheoryData<string, string> UnmappableRecords => new()
    {
        { Payload("x").Without("id").ToJsonString(), "id" },
        { Payload("x", prompt: -1).ToJsonString(), "prompt_tokens" },
        { Payload("x", completion: -5).ToJsonString(), "completion_tokens" },
        { Payload("x", start: JsonValue.Create("yesterday")).ToJsonString(), "start_time" },
        { Payload("x", start: JsonValue.Create("2025-13-45 09:20:46.847371")).ToJsonString(), "start_time" },
        { Payload("x", start: Epoch(DateTimeOffset.UtcNow), end: Epoch(DateTimeOffset.UtcNow.AddMinutes(-1))).ToJsonString(), "end_time" },
        { Payload("x", status: "pending").ToJsonString(), "status" },
        { Payload("x", keyHash: null, keyAlias: null).ToJsonString(), "metadata.user_api_key_hash" },
        { Payload("x").With("prompt_tokens", JsonValue.Create("12")).ToJsonString(), "prompt_tokens" },
        { Payload("x").With("response_cost", JsonValue.Create(-0.5)).ToJsonString(), "response_cost" },
        { Payload("x", endUser: "tenant\u200bacme").ToJsonString(), "end_user" },
        { "42", "" },
    };

    /// <summary>Errors are keyed in snake_case as every problem document is: LiteLLM's startTime is start_time.</summary>
    [Theory]
    [MemberData(nameof(UnmappableRecords))]
    public async Task a_record_that_cannot_be_mapped_refuses_the_whole_batch_naming_its_index(string record, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var batch = $"[{Payload("ok-1").ToJsonString()},{Payload("ok-2").ToJsonString()},{Payload("ok-3").ToJsonString()},{record}]";

        var problem = await (await PostRawAsync(org.Ingest, Path, batch)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field.Length == 0 ? "records[3]" : $"records[3].{field}", problem.ErrorFields());
        await AssertNothingStored(org);
    }

    [Fact]
    public async Task an_ndjson_line_that_cannot_be_mapped_is_named_by_its_line()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await PostRawAsync(org.Ingest, Path, NdjsonBody(Payload("ok-1"), Payload("bad", start: JsonValue.Create("soon")))))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["records[1].start_time"], problem.ErrorFields());
        await AssertNothingStored(org);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("[{\"id\":\"chatcmpl-1\"")]
    [InlineData("{\"id\":\"a\",\"status\":\"success\"} garbage")]
    [InlineData("[{\"id\":\"a\"}] [{\"id\":\"b\"}]")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    public async Task garbage_bodies_are_refused_clearly_and_store_nothing(string body)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await PostRawAsync(org.Ingest, Path, body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.ErrorFields());
        await AssertNothingStored(org);
    }

    [Fact]
    public async Task a_body_over_the_usage_limit_is_refused_with_413()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var huge = Payload("chatcmpl-big").With("messages", new JsonArray(new JsonObject { ["content"] = new string('x', 5 * 1024 * 1024) }));

        await (await PostRawAsync(org.Ingest, Path, ArrayBody(huge))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        await AssertNothingStored(org);
    }

    [Fact]
    public async Task only_the_ingest_token_may_post()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var body = ArrayBody(Payload("chatcmpl-1"));

        await (await PostRawAsync(org.Anonymous, Path, body)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostRawAsync(org.Owner, Path, body)).ProblemAsync(HttpStatusCode.Forbidden);

        await AssertNothingStored(org);
    }

    private static async Task<JsonElement> PostAsync(TestOrganization org, string body, string type = "application/json") =>
        await (await PostRawAsync(org.Ingest, Path, body, type)).JsonAsync(HttpStatusCode.Accepted);


    private static async Task AssertNothingStored(TestOrganization org) => Assert.Equal(0, await RequestsAsync(org));
}
