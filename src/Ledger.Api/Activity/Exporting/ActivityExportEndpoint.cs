using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Consumers;
using Ledger.Api.Validation;
using Ledger.Domain.Access;

namespace Ledger.Api.Activity.Exporting;

public static class ActivityExportEndpoint
{
    public sealed record Response(IReadOnlyList<SpendLogQuery.Row> Data, string? NextCursor);

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
        return Results.Text(SpendLogCsv.Header + SpendLogCsv.Rows(rows), SpendLogCsv.ContentType);
    }
}
