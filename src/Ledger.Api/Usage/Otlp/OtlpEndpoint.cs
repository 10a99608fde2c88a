using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Telemetry;
using Ledger.Api.Usage.Settling;

namespace Ledger.Api.Usage.Otlp;

/// <summary>
/// OTLP/HTTP's trace export (docs/integrations.md): an OpenTelemetry SDK or Collector points its
/// traces exporter here, and the spans that report GenAI usage settle as <c>POST /v1/usage</c> does.
/// </summary>
public static class OtlpEndpoint
{
    public static void MapOtlpTraces(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/traces", async (HttpContext http, ClaimsPrincipal user, UsageSettlementWriter writer, TimeProvider clock, CancellationToken ct) =>
            {
                var encoding = OtlpWire.EncodingOf(http.Request);
                OtlpPost post;
                try
                {
                    post = OtlpPost.Of(await OtlpWire.ReadAsync(http.Request, encoding, ct), clock.GetUtcNow());
                }
                catch (FormatException e)
                {
                    return OtlpAnswer.Refused(encoding, $"The body is no OTLP ExportTraceServiceRequest in {(encoding == OtlpEncoding.Json ? "JSON" : "protobuf")}: {e.Message}");
                }
                LedgerMeter.UsageRefused(post.Rejected);
                return await writer.SettleAsync(post.Records, user, _ => new OtlpAnswer(post.Answer(), encoding, StatusCodes.Status200OK), ct);
            })
            .RequireAuthorization(Policies.Ingest)
            .CountsRefusedUsage()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(UsagePost.MaxBodyBytes)) // as /v1/usage
            .Accepts<Stream>(OtlpWire.Protobuf, OtlpWire.Json)
            .WithDescription("OTLP/HTTP trace export (ExportTraceServiceRequest, protobuf or JSON, gzip or not); spans with GenAI token usage are settled, others ignored.")
            .Produces(StatusCodes.Status200OK, contentType: OtlpWire.Protobuf, additionalContentTypes: OtlpWire.Json)
            .Produces(StatusCodes.Status400BadRequest, contentType: OtlpWire.Protobuf, additionalContentTypes: OtlpWire.Json);
}
