using System.Security.Claims;
using System.Text;
using FluentValidation;
using Ledger.Api.Auth;
using Ledger.Api.Consumers.Registering;
using Ledger.Api.Hosting;
using Ledger.Api.Problems;
using Ledger.Domain.Consumers;
using Ledger.Domain.Consumers.Registering;
using Ledger.Domain.Text;

namespace Ledger.Api.Consumers.Importing;

public static class BulkImportEndpoint
{
    public const long MaxBodyBytes = 2 * 1024 * 1024;
    public const int MaxRows = 10_000;

    public sealed record Response(int Imported, int Registered, int Updated, IReadOnlyList<ImportProblem> Errors);

    /// <summary>
    /// Pre-registers (or updates) consumers from a CSV file. Every row is checked first; by default
    /// one bad row imports nothing, and with <c>mode=partial</c> the good rows are imported and the
    /// bad ones reported. Either way all rows go in one transaction.
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
        if (mode is not ("" or "all" or "partial")) return Refused(400, "The request is invalid.", [new(0, "mode", "'mode' must be 'all' or 'partial'.")]);
        if (context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() is not ("text/csv" or "application/csv"))
            return Refused(415, "Unsupported media type", [new(0, "body", "Send the file as text/csv.")]);

        if (await ReadTextAsync(context, ct) is not { } text) return Refused(400, "The file is not UTF-8 text.", [new(0, "body", "The file must be UTF-8 encoded.")]);
        var (records, syntax) = Csv.Parse(text);
        if (syntax is not null) return Refused(400, "The file is not valid CSV.", [new(syntax.Line, "csv", syntax.Message)]);
        if (records.Count < 2) return Refused(400, "The file has no rows.", [new(1, "csv", "Expected a header and at least one row.")]);
        var (header, data) = (records[0], records.Skip(1).ToList());
        if (ImportRows.CheckHeader(header) is { } bad) return Refused(400, "The header is invalid.", [bad]);
        if (data.Count > MaxRows) return Refused(413, "The file has too many rows.", [new(0, "body", $"At most {MaxRows} rows per import.")]);

        var (rows, problems) = ImportRows.Read(header, data, organizationId, validator);
        if (problems.Count > 0 && (mode != "partial" || rows.Count == 0))
            return Refused(400, "Some rows are invalid; nothing was imported.", problems);

        var (org, actor, now) = (user.OrganizationOf(), user.ActorOf(), clock.GetUtcNow());
        var given = ImportRows.Given(header);
        var caps = rows.ToDictionary(r => r.Request.EndUserId!, r => r.Request.Caps with { Given = given }, StringComparer.Ordinal);
        var decisions = await writer.ChangeManyAsync(org, caps.Keys,
            (id, consumer) => RegisterConsumer.Decide(consumer, org, id, RegistrationSource.BulkImport, caps[id], actor, now), ct);
        var registered = decisions.Values.Count(d => d.Events.OfType<ConsumerRegistered>().Any());
        var updated = decisions.Values.Count(d => d.Events.Count > 0) - registered;
        return Results.Ok(new Response(rows.Count, registered, updated, problems));
    }

    private static async Task<string?> ReadTextAsync(HttpContext context, CancellationToken ct)
    {
        var reader = context.Request.BodyReader;
        var body = await BoundedBody.ReadAsync(reader, MaxBodyBytes, ct);
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
            return VisibleText.Nfc(text.StartsWith('\uFEFF') ? text[1..] : text);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        finally
        {
            reader.AdvanceTo(body.End);
        }
    }

    private static IResult Refused(int status, string title, IReadOnlyList<ImportProblem> problems) => Results.Problem(
        statusCode: status, title: title,
        detail: string.Join(" ", problems.Take(3).Select(p => p.Line > 0 ? $"line {p.Line}, {p.Field}: {p.Message}" : $"{p.Field}: {p.Message}")),
        extensions: new Dictionary<string, object?> { ["errors"] = problems });
}
