using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ledger.Api.Http;

/// <summary>
/// The problem documents every operation can answer with, decided from its endpoint rather than
/// declared on each: 401 and 403 where a token is needed, 404 where the route names an id (another
/// organization's id reads as unknown), 503 with Retry-After when the database is down. What an
/// endpoint declares itself is kept.
/// </summary>
public sealed class ProblemResponsesTransformer : IOpenApiOperationTransformer
{
    private const string SchemaName = nameof(ProblemDetails);

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(context, cancellationToken);
        operation.Responses ??= [];
        if (BearerSecurityTransformer.NeedsToken(context))
        {
            Add(operation, context, StatusCodes.Status401Unauthorized, "No token, or one that is unknown, expired or revoked.");
            Add(operation, context, StatusCodes.Status403Forbidden, "The token's role may not do this.");
        }
        if (context.Description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path))
            Add(operation, context, StatusCodes.Status404NotFound, "No such id is visible to this token.");
        Add(operation, context, StatusCodes.Status503ServiceUnavailable, "The database is unavailable; retry after Retry-After seconds.",
            new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            });
    }

    private static void Add(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, Dictionary<string, IOpenApiHeader>? headers = null)
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Headers = headers,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(SchemaName, context.Document) },
            },
        };
        operation.Responses!.TryAdd(status.ToString(CultureInfo.InvariantCulture), response);
    }

    /// <summary>The referenced schema exists even if no endpoint declares a problem response of its own.</summary>
    private static async Task EnsureSchemaAsync(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Document is not { } document || document.Components?.Schemas?.ContainsKey(SchemaName) == true) return;
        document.AddComponent(SchemaName, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
    }
}
