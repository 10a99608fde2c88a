using System.Security.Claims;
using Ledger.Api.Activity.Exporting;
using Ledger.Api.Auth;
using Ledger.Api.Consumers;
using Ledger.Api.Dashboard.Session;
using Ledger.Api.Validation;
using Microsoft.AspNetCore.Authorization;

namespace Ledger.Api.Dashboard.Activity;

public static class ActivityCsvEndpoint
{
    /// <summary>
    /// The Activity page's "Download CSV": the session's member (the JSON export takes bearer tokens
    /// only), the page's filters, every matching request of the 90-day window within the member's
    /// scope, written page by page with the export's own CSV writer.
    /// </summary>
    public static void MapActivityCsv(this IEndpointRouteBuilder app) =>
        app.MapGet("/{org}/activity.csv", HandleAsync)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = SessionSetup.Scheme, Policy = Policies.Read })
            .AddEndpointFilter<ValidationFilter>()
            .ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(
        string org, ActivityExportRequest request, ClaimsPrincipal user, ConsumerScope scope, SpendLogQuery query,
        HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        if (!string.Equals(org, user.OrganizationNameOf(), StringComparison.Ordinal)) return Results.NotFound();
        var keys = await scope.DefaultAsync(user, ct);
        http.Response.ContentType = SpendLogCsv.ContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"activity-{clock.GetUtcNow():yyyy-MM-dd}.csv\"";
        await http.Response.WriteAsync(SpendLogCsv.Header, ct);
        var page = request with { Limit = ActivityExportRequest.MaxLimit, Cursor = null };
        while (true)
        {
            var (rows, next) = await query.RunAsync(user.OrganizationOf(), page, keys, ct);
            await http.Response.WriteAsync(SpendLogCsv.Rows(rows), ct);
            if (next is null) return Results.Empty;
            page = page with { Cursor = next.Encode() };
        }
    }
}
