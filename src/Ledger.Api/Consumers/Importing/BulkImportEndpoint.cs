using System.Security.Claims;
using FluentValidation;
using Ledger.Api.Auth;
using Ledger.Api.Consumers.Registering;
using Ledger.Api.Http;
using Ledger.Api.Problems;

namespace Ledger.Api.Consumers.Importing;

public static class BulkImportEndpoint
{
    public const long MaxBodyBytes = 2 * 1024 * 1024;
    public const int MaxRows = 10_000;

    public sealed record Response(int Imported, int Registered, int Updated, IReadOnlyList<ImportProblem> Errors);

    /// <summary>
    /// Pre-registers (or updates) consumers from a CSV file (<see cref="ImportCommand"/>): by default
    /// one bad row imports nothing, and with <c>mode=partial</c> the good rows are imported and the
    /// bad ones reported.
    /// </summary>
    public static void MapBulkImport(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/end-users/bulk", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes)) // above the server's JSON default
            .Accepts<string>("text/csv")
            .Produces<Response>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static async Task<IResult> HandleAsync(
        HttpContext context, ClaimsPrincipal user, IValidator<PreRegisterRequest> validator, ConsumerWriter writer,
        TimeProvider clock, CancellationToken ct)
    {
        var (organizationId, mode) = (context.Request.Query["organization_id"].ToString(), context.Request.Query["mode"].ToString());
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        if (mode is not ("" or "all" or "partial")) return Refused(ImportCommand.Refused(400, "The request is invalid.", [new(0, "mode", "'mode' must be 'all' or 'partial'.")]));
        if (context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() is not ("text/csv" or "application/csv"))
            return Refused(ImportCommand.Refused(415, "Unsupported media type", [new(0, "body", "Send the file as text/csv.")]));

        var reader = context.Request.BodyReader;
        var body = await BoundedBody.ReadAsync(reader, MaxBodyBytes, ct);
        var text = ImportCommand.Decode(body);
        reader.AdvanceTo(body.End);
        if (text is null) return Refused(ImportCommand.Refused(400, "The file is not UTF-8 text.", [new(0, "body", "The file must be UTF-8 encoded.")]));

        var outcome = await ImportCommand.RunAsync(text, mode == "partial", user, organizationId, validator, writer, clock, ct);
        return outcome.Imported is { } imported ? Results.Ok(imported) : Refused(outcome);
    }

    private static IResult Refused(ImportCommand.Outcome outcome) => Results.Problem(
        statusCode: outcome.Status, title: outcome.Title,
        detail: string.Join(" ", outcome.Problems.Take(3).Select(p => p.Line > 0 ? $"line {p.Line}, {p.Field}: {p.Message}" : $"{p.Field}: {p.Message}")),
        extensions: new Dictionary<string, object?> { ["errors"] = outcome.Problems });
}
