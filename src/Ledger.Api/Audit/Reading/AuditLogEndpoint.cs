using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;

namespace Ledger.Api.Audit.Reading;

public static class AuditLogEndpoint
{
    public sealed record Response(IReadOnlyList<AuditLogQuery.Entry> Entries, int Page, int PageSize, long Total);

    /// <summary>
    /// The audit trail is an async projection: an entry appears a moment after its change, and
    /// entries older than 90 days are no longer shown.
    /// </summary>
    public static void MapAuditLog(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit-log", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>()
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(AuditLogRequest request, ClaimsPrincipal user, AuditLogQuery query, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var page = request.Page ?? 1;
        var (entries, total) = await query.RunAsync(user.OrganizationOf(), request.EndUserId, request.Actor,
            AuditLogRequest.Time(request.Since), AuditLogRequest.Time(request.Until), page, ct);
        return Results.Ok(new Response(entries, page, AuditLogQuery.PageSize, total));
    }
}
