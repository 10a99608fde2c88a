using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Ledger.Api.Storage;
using Ledger.Domain.Usage;
using Ledger.Tests.Infrastructure;
using Marten;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Ledger.Tests.Usage;

/// <summary>
/// POST /v1/traces fed by the OpenTelemetry .NET SDK's own OTLP exporter, over the network, to
/// Ledger running as <c>./ledger up</c> runs it: GenAI spans mixed with other spans.
/// </summary>
[Collection(ApiProcessCollection.Name)]
public sealed class OtlpExporterTests(ApiProcess ledger)
{
    [Fact]
    public async Task genai_spans_exported_by_the_opentelemetry_sdk_become_consumers_and_other_spans_are_ignored()
    {
        var org = await ledger.OrganizationAsync();
        using var gateway = new OtlpGateway(ledger.Url, org.IngestToken);

        using (gateway.Plain("POST /chat"))
        {
            gateway.Chat("tenant_acme", input: 120, output: 30, cost: 0.25);
            gateway.Chat("tenant_acme", input: 10, output: 5, cost: 0.05);
        }
        gateway.Chat("tenant_globex", input: 1, output: 1, cost: 0.5);
        gateway.Plain("SELECT usage").Dispose();
        gateway.Flush();

        Assert.Equal([200], gateway.Sent.Select(s => s.Status)); // one export, GenAI and other spans together
        var acme = await ConsumerAsync(org, "tenant_acme");
        Assert.Equal(2, acme.GetProperty("requests").GetInt64());
        Assert.Equal(165, acme.GetProperty("total_tokens").GetInt64());
        Assert.Equal(0.3m, acme.GetProperty("total_spend").GetDecimal());
        Assert.Equal(0.5m, (await ConsumerAsync(org, "tenant_globex")).GetProperty("total_spend").GetDecimal());
        Assert.Equal(3, (await StoredAsync(org)).Count);
    }

    [Fact]
    public async Task each_span_field_is_mapped_onto_the_usage_stored()
    {
        var org = await ledger.OrganizationAsync();
        using var gateway = new OtlpGateway(ledger.Url, org.IngestToken, serviceName: "support-bot", teamId: "team-9");
        var start = DateTimeOffset.UtcNow.AddHours(-2);

        var ok = gateway.Chat("tenant_acme", input: 7, output: 3, cost: 0.125, start: start, durationMs: 1234);
        var failed = gateway.Chat("tenant_acme", input: 7, output: 0, cost: 0, responseModel: null, failed: true);
        gateway.Flush();

        var stored = (await StoredAsync(org)).ToDictionary(u => u.RequestId);
        var usage = stored[$"{ok.TraceId.ToHexString()}-{ok.SpanId.ToHexString()}"];
        Assert.Equal("tenant_acme", usage.EndUserId);
        Assert.Equal("support-bot", usage.KeyId); // the service, when no ledger.key_id names the key
        Assert.Equal("team-9", usage.TeamId);
        Assert.Equal("gpt-4o-2024-08-06", usage.Model); // the model that answered
        Assert.Equal("openai", usage.Provider);
        Assert.Equal((7, 3, 0.125m), (usage.InputTokens, usage.OutputTokens, usage.CostUsd));
        Assert.Equal(UsageStatus.Success, usage.Status);
        Assert.Equal(1234, usage.LatencyMs);
        Assert.Equal(start.ToUnixTimeMilliseconds(), usage.OccurredAt.ToUnixTimeMilliseconds());
        var error = stored[$"{failed.TraceId.ToHexString()}-{failed.SpanId.ToHexString()}"];
        Assert.Equal(UsageStatus.Error, error.Status);
        Assert.Equal("gpt-4o", error.Model); // no response model: the one requested
    }

    [Fact]
    public async Task a_retried_export_stores_each_span_once()
    {
        var org = await ledger.OrganizationAsync();
        using var gateway = new OtlpGateway(ledger.Url, org.IngestToken, sendsPerExport: 2);

        gateway.Chat("tenant_acme", input: 100, output: 50, cost: 0.1);
        gateway.Chat("tenant_acme", input: 100, output: 50, cost: 0.1);
        gateway.Flush();

        Assert.Equal([200, 200], gateway.Sent.Select(s => s.Status));
        Assert.Equal(gateway.Sent[0].Body, gateway.Sent[1].Body);
        var acme = await ConsumerAsync(org, "tenant_acme");
        Assert.Equal(2, acme.GetProperty("requests").GetInt64());
        Assert.Equal(0.2m, acme.GetProperty("total_spend").GetDecimal());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task json_bodies_of_the_same_spans_settle_as_the_protobuf_export_does(bool protoNames, bool int64AsNumbers)
    {
        var viaProtobuf = await ledger.OrganizationAsync();
        var viaJson = await ledger.OrganizationAsync("globex-corp", "bob");
        using var gateway = new OtlpGateway(ledger.Url, viaProtobuf.IngestToken);
        using (gateway.Plain("POST /chat"))
        {
            gateway.Chat("tenant_acme", input: 120, output: 30, cost: 0.25);
            gateway.Chat("tenant_globex", input: 9, output: 1, cost: 0.5, failed: true);
        }
        gateway.Flush();

        using var client = ledger.Client(viaJson.IngestToken);
        var response = await client.PostAsync("/v1/traces", new StringContent(
            OtlpJsonBodies.From(gateway.Ended, "support-bot", protoNames, int64AsNumbers), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(JsonParser.Default.Parse<ExportTraceServiceResponse>(await response.Content.ReadAsStringAsync()).PartialSuccess);
        var expected = (await StoredAsync(viaProtobuf)).OrderBy(u => u.RequestId).ToList();
        var actual = (await StoredAsync(viaJson)).OrderBy(u => u.RequestId).ToList();
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected.Select(u => u with { OrganizationId = default, OccurredAt = default }), actual.Select(u => u with { OrganizationId = default, OccurredAt = default }));
        // A JSON number is read as a double: nanoseconds since 1970 keep their microseconds, not their last digits.
        Assert.All(expected.Zip(actual), p => Assert.True((p.First.OccurredAt - p.Second.OccurredAt).Duration() < TimeSpan.FromMicroseconds(1)));
    }

    private async Task<JsonElement> ConsumerAsync(Api.Organizations.Creating.OrganizationCreation.Created org, string endUserId)
    {
        using var owner = ledger.Client(org.OwnerToken);
        return (await (await owner.GetAsync($"/api/consumers?organization_id={org.OrganizationId}")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("consumers").EnumerateArray().Single(r => r.GetProperty("end_user_id").GetString() == endUserId);
    }

    private async Task<IReadOnlyList<UsageSettled>> StoredAsync(Api.Organizations.Creating.OrganizationCreation.Created org)
    {
        using var store = new DocumentStore(StoreSetup.Options(ledger.ConnectionString));
        await using var session = store.QuerySession();
        return await session.Events.QueryRawEventDataOnly<UsageSettled>().Where(u => u.OrganizationId == org.OrganizationId).ToListAsync();
    }
}
