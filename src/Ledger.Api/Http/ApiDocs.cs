using Scalar.AspNetCore;

namespace Ledger.Api.Http;

/// <summary>
/// The OpenAPI document of every endpoint at <c>/openapi/v1.json</c>, generated from the endpoints
/// themselves, and a browsable reference of it at <c>/docs</c>. Both are public, like the health probes.
/// </summary>
public static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";

    public static IServiceCollection AddLedgerApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Ledger";
                document.Info.Description = "The usage ledger behind an LLM gateway: admissions, usage, consumers, caps and the audit log. " +
                    "Every call but the probes and these documents takes `Authorization: Bearer <token>`.";
                return Task.CompletedTask;
            });
            o.AddDocumentTransformer<BearerSecurityTransformer>();
            o.AddOperationTransformer<BearerSecurityTransformer>();
            o.AddOperationTransformer<ProblemResponsesTransformer>();
        });

    public static void MapLedgerApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference(ReferencePath, o => o.WithTitle("Ledger API").WithOpenApiRoutePattern(DocumentPath));
    }
}
