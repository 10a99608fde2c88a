using System.Globalization;
using System.Security.Claims;
using System.Text;
using Ledger.Api.Auth;
using Ledger.Api.Consumers;
using Ledger.Api.Validation;
using Ledger.Domain.Access;
using Ledger.Domain.Money;

namespace Ledger.Api.Activity.Exporting;

public static class ActivityExportEndpoint
{
    public sealed record Response(IReadOnlyList<SpendLogQuery.Row> Data, string? NextCursor);

    private static readonly string[] Columns = ["request_id", "user", "model", "key_id", "input_tokens", "output_tokens", "cost_usd", "status", "occurred_at"];

    /// <summary>
    /// The per-request export (members within their scope; the ingest token, the whole organization):
    /// JSON, or with <c>Accept: text/csv</c> the same page as CSV, its next cursor in <c>X-Next-Cursor</c>.
    /// </summary>
    public static void MapActivityExport(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/activity", HandleAsync)
            .RequireAuthorization(Policies.Export)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>()
            .Produces<string>(contentType: "text/csv")
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        ActivityExportRequest request, ClaimsPrincipal user, ConsumerScope scope, SpendLogQuery query, HttpContext http, CancellationToken ct)
    {
        var keys = user.RoleOf() is Role.Ingest ? null : await scope.DefaultAsync(user, ct);
        var (rows, next) = await query.RunAsync(user.OrganizationOf(), request, keys, ct);
        var cursor = next?.Encode();
        if (!http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)))
            return Results.Ok(new Response(rows, cursor));
        if (cursor is not null) http.Response.Headers["X-Next-Cursor"] = cursor;
        return Results.Text(ToCsv(rows), "text/csv; charset=utf-8");
    }

    private static string ToCsv(IReadOnlyList<SpendLogQuery.Row> rows)
    {
        var csv = new StringBuilder().AppendJoin(',', Columns).Append("\r\n");
        foreach (var r in rows)
            csv.AppendJoin(',', Field(r.RequestId), Field(r.User ?? ""), Field(r.Model), Field(r.KeyId),
                    r.InputTokens.ToString(CultureInfo.InvariantCulture), r.OutputTokens.ToString(CultureInfo.InvariantCulture),
                    Usd.Trimmed(r.CostUsd).ToString(CultureInfo.InvariantCulture), r.Status, r.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
                .Append("\r\n");
        return csv.ToString();
    }

    /// <summary>
    /// RFC 4180 quoting, and a ';' is quoted too: spreadsheets in locales with a decimal comma split
    /// on it. A leading =, +, - or @ is quoted behind an apostrophe so spreadsheets never run it as a formula.
    /// </summary>
    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', ';', '"', '\r', '\n']) < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
