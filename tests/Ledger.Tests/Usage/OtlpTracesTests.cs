using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Google.Rpc;
using Ledger.Tests.Infrastructure;
using OpenTelemetry.Proto.Collector.Trace.V1;
using static Ledger.Tests.Infrastructure.Scenarios;
using static Ledger.Tests.Usage.OtlpRequests;

namespace Ledger.Tests.Usage;

/// <summary>POST /v1/traces with bodies written span by span: what the SDK will not send (refused spans, garbage, other media types).</summary>
[Collection(LedgerCollection.Name)]
public sealed class OtlpTracesTests(LedgerApp app)
{
    private const string Path = "/v1/traces";

    [Fact]
    public async Task a_gzip_body_is_read_as_exporters_send_it()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var body = Export([Attribute("service.name", "support-bot")], GenAi(), GenAi(), Plain()).ToByteArray();
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(body);

        await PostAsync(org, gzipped.ToArray(), "application/x-protobuf", "gzip");

        Assert.Equal(2, await RequestsAsync(org));
    }

    [Fact]
    public async Task spans_that_cannot_be_mapped_are_counted_as_rejected_and_the_rest_are_stored()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var noIds = GenAi();
        noIds.SpanId = ByteString.Empty;
        var request = Export([Attribute("service.name", "support-bot")],
            GenAi(), GenAi(input: -1), GenAi(start: DateTimeOffset.UtcNow.AddDays(3)), noIds, Plain(), GenAi(), Plain());

        var response = await PostAsync(org, request.ToByteArray(), "application/x-protobuf");

        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var partial = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess;
        Assert.Equal(3, partial.RejectedSpans);
        Assert.Contains("'gen_ai.usage.input_tokens' must be from 0", partial.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("start_time_unix_nano", partial.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, await RequestsAsync(org));
    }

    [Fact]
    public async Task partial_success_is_answered_in_json_to_a_json_export()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var request = Export([], GenAi(), GenAi(output: -3));

        var response = await PostAsync(org, JsonFormatter.Default.Format(request), "application/json");

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var partial = answer.RootElement.GetProperty("partialSuccess");
        Assert.Equal("1", partial.GetProperty("rejectedSpans").GetString());
        Assert.Contains("gen_ai.usage.output_tokens", partial.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await RequestsAsync(org));
    }

    [Fact]
    public async Task the_key_is_ledger_key_id_on_the_span_else_on_the_resource_else_the_service_else_otlp()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var system = GenAi(user: "by-system", more: [Attribute("gen_ai.system", "anthropic"), Attribute("ledger.key_id", "span-key")]);
        var plain = GenAi(user: "by-resource");
        await PostAsync(org, Export([Attribute("service.name", "support-bot"), Attribute("ledger.key_id", "resource-key")], system, plain).ToByteArray(), "application/x-protobuf");
        await PostAsync(org, Export([Attribute("service.name", "support-bot")], GenAi(user: "by-service")).ToByteArray(), "application/x-protobuf");
        await PostAsync(org, Export([], GenAi(user: "by-nothing")).ToByteArray(), "application/x-protobuf");

        var keys = (await app.Scenarios.ActivityAsync(org)).ToDictionary(r => r.GetProperty("user").GetString()!, r => r.GetProperty("key_id").GetString());
        Assert.Equal("span-key", keys["by-system"]);
        Assert.Equal("resource-key", keys["by-resource"]);
        Assert.Equal("support-bot", keys["by-service"]);
        Assert.Equal("otlp", keys["by-nothing"]);
        Assert.Contains(await app.Scenarios.StoredUsageAsync(org), u => u.Provider == "anthropic");
    }

    [Fact]
    public async Task a_span_without_a_cost_is_priced_from_the_model_price_table_and_an_unknown_model_is_listed()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var unknown = GenAi(cost: null, user: "tenant_globex", more: [Attribute("gen_ai.response.model", "acme-llm-7")]);

        // gpt-4o ships at 2.50 per million input tokens and 10 per million output tokens (docs/model-prices.md).
        await PostAsync(org, Export([], GenAi(input: 1_000_000, output: 500_000, cost: null), unknown).ToByteArray(), "application/x-protobuf");

        Assert.Equal(7.5m, (await ConsumerAsync(org, "tenant_acme")).GetProperty("total_spend").GetDecimal());
        Assert.Equal(0m, (await ConsumerAsync(org, "tenant_globex")).GetProperty("total_spend").GetDecimal());
        var unpriced = await (await org.Owner.GetAsync($"/api/model-prices/unpriced?organization_id={org.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["acme-llm-7"], unpriced.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("model").GetString()));
    }

    public static TheoryData<string, byte[]> Garbage()
    {
        var random = new byte[2048];
        new Random(18).NextBytes(random);
        var real = Export([Attribute("service.name", "support-bot")], GenAi(), GenAi()).ToByteArray();
        return new()
        {
            { "application/x-protobuf", random },
            { "application/x-protobuf", real[..^7] }, // cut inside the last span
            { "application/json", "{\"resourceSpans\":[{\"scopeSpans\":"u8.ToArray() },
            { "application/json", "not json"u8.ToArray() },
            { "application/json", real },
            { "application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz!\",\"spanId\":\"00f067aa0ba902b7\"}]}]}]}"u8.ToArray() },
            { "application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"zzf067aa0ba902b7\"}]}]}]}"u8.ToArray() },
        };
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task an_undecodable_body_is_refused_with_400_and_a_status_in_its_encoding_and_stores_nothing(string type, byte[] body)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var response = await PostRawAsync(org.Ingest, body, type);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        var status = type == "application/json"
            ? JsonParser.Default.Parse<Status>(await response.Content.ReadAsStringAsync())
            : Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("ExportTraceServiceRequest", status.Message, StringComparison.Ordinal);
        Assert.Equal(0, await RequestsAsync(org));
    }

    [Fact]
    public async Task a_body_that_is_not_gzip_as_it_claims_is_refused_and_stores_nothing()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var response = await PostRawAsync(org.Ingest, Export([], GenAi()).ToByteArray(), "application/x-protobuf", "gzip");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await RequestsAsync(org));
    }

    [Fact]
    public async Task another_media_type_is_refused_with_415()
    {
        var org = await app.Scenarios.OrganizationAsync();

        var response = await PostRawAsync(org.Ingest, Export([], GenAi()).ToByteArray(), "text/plain");

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, await RequestsAsync(org));
    }

    [Fact]
    public async Task a_body_over_the_usage_limit_is_refused_with_413()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var huge = Export([Attribute("padding", new string('x', 5 * 1024 * 1024))], GenAi());

        await (await PostRawAsync(org.Ingest, huge.ToByteArray(), "application/x-protobuf")).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(0, await RequestsAsync(org));
    }

    [Fact]
    public async Task only_the_ingest_token_may_export_and_another_organization_never_sees_the_usage()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var other = await app.Scenarios.OrganizationAsync("globex-corp", "bob");
        var body = Export([], GenAi(user: "tenant_acme")).ToByteArray();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostRawAsync(org.Anonymous, body, "application/x-protobuf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostRawAsync(org.Owner, body, "application/x-protobuf")).StatusCode);
        Assert.Equal(0, await RequestsAsync(org));
        await PostAsync(org, body, "application/x-protobuf");

        Assert.Equal(HttpStatusCode.NotFound, (await other.Owner.GetAsync($"/api/consumers?organization_id={org.Id}")).StatusCode);
        Assert.Equal(0, await RequestsAsync(other));
        Assert.Equal(1, await RequestsAsync(org));
    }

    private static async Task<HttpResponseMessage> PostAsync(TestOrganization org, string body, string type) =>
        await PostAsync(org, System.Text.Encoding.UTF8.GetBytes(body), type);

    private static async Task<HttpResponseMessage> PostAsync(TestOrganization org, byte[] body, string type, string? encoding = null)
    {
        var response = await PostRawAsync(org.Ingest, body, type, encoding);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return response;
    }

    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, byte[] body, string type, string? encoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        if (encoding is not null) content.Headers.ContentEncoding.Add(encoding);
        return await client.PostAsync(Path, content);
    }


}
