using System.Buffers;
using System.Security.Claims;
using System.Text;
using FluentValidation;
using Ledger.Api.Auth;
using Ledger.Api.Consumers.Registering;
using Ledger.Domain.Consumers;
using Ledger.Domain.Consumers.Registering;
using Ledger.Domain.Text;

namespace Ledger.Api.Consumers.Importing;

/// <summary>
/// Importing consumers from a CSV file, as <c>POST /api/end-users/bulk</c> and the Consumers page's
/// dialog both do it. Every row is checked first; unless partial, one bad row imports nothing, and
/// partial imports the good rows and reports the bad ones. Either way all rows go in one transaction.
/// </summary>
public static class ImportCommand
{
    /// <summary>What came of an import: the counts when it went in, else the HTTP status, title and problems; GoodRows is how many rows were valid.</summary>
    public sealed record Outcome(BulkImportEndpoint.Response? Imported, int Status, string Title, IReadOnlyList<ImportProblem> Problems, int GoodRows);

    /// <summary>The file's text (UTF-8, a leading byte order mark dropped, in NFC), or null when it is not UTF-8.</summary>
    public static string? Decode(in ReadOnlySequence<byte> body)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
            return VisibleText.Nfc(text.StartsWith('\uFEFF') ? text[1..] : text);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    public static async Task<Outcome> RunAsync(string text, bool partial, ClaimsPrincipal user, string organizationId,
        IValidator<PreRegisterRequest> validator, ConsumerWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var (records, syntax) = Csv.Parse(text);
        if (syntax is not null) return Refused(400, "The file is not valid CSV.", [new(syntax.Line, "csv", syntax.Message)]);
        if (records.Count < 2) return Refused(400, "The file has no rows.", [new(1, "csv", "Expected a header and at least one row.")]);
        var (header, data) = (records[0], records.Skip(1).ToList());
        if (ImportRows.CheckHeader(header) is { } bad) return Refused(400, "The header is invalid.", [bad]);
        if (data.Count > BulkImportEndpoint.MaxRows)
            return Refused(413, "The file has too many rows.", [new(0, "body", $"At most {BulkImportEndpoint.MaxRows} rows per import.")]);

        var (rows, problems) = ImportRows.Read(header, data, organizationId, validator);
        if (problems.Count > 0 && (!partial || rows.Count == 0))
            return Refused(400, "Some rows are invalid; nothing was imported.", problems, rows.Count);

        var (org, actor, now) = (user.OrganizationOf(), user.ActorOf(), clock.GetUtcNow());
        var given = ImportRows.Given(header);
        var caps = rows.ToDictionary(r => r.Request.EndUserId!, r => r.Request.Caps with { Given = given }, StringComparer.Ordinal);
        var decisions = await writer.ChangeManyAsync(org, caps.Keys,
            (id, consumer) => RegisterConsumer.Decide(consumer, org, id, RegistrationSource.BulkImport, caps[id], actor, now), ct);
        var registered = decisions.Values.Count(d => d.Events.OfType<ConsumerRegistered>().Any());
        var updated = decisions.Values.Count(d => d.Events.Count > 0) - registered;
        return new Outcome(new BulkImportEndpoint.Response(rows.Count, registered, updated, problems), 200, "Imported", problems, rows.Count);
    }

    public static Outcome Refused(int status, string title, IReadOnlyList<ImportProblem> problems, int goodRows = 0) =>
        new(null, status, title, problems, goodRows);
}
