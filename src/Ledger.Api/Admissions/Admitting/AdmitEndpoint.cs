using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Telemetry;
using Ledger.Api.Validation;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Ingest.Admissions;
using Ledger.Ingest.Admissions.Leases;

namespace Ledger.Api.Admissions.Admitting;

public static class AdmitEndpoint
{
    public sealed record Response(bool Admitted, Guid ReservationId, DateTimeOffset ExpiresAt);

    /// <summary>200 with a reservation; 429 (rpm, tpm; with Retry-After) or 402 (budgets) naming the cap that bit.</summary>
    public static void MapAdmit(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/admissions", HandleAsync)
            .RequireAuthorization(Policies.Ingest)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<Response>()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        AdmissionPost post, ClaimsPrincipal user, AdmissionGate gate, ReservedIdentifiers reserved, HttpContext http, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcome = await gate.DecideAsync(post.ToRequest(user.OrganizationOf(), reserved), ct);
            var took = Stopwatch.GetElapsedTime(started);
            return outcome switch
            {
                AdmissionOutcome.Admitted a => Admitted(a, took),
                AdmissionOutcome.Rejected r => Refused(r.Hit, took, http),
                AdmissionOutcome.Closed => Closed(took),
                _ => throw new InvalidOperationException("Unknown admission outcome."),
            };
        }
        catch (AdmissionUnavailableException e)
        {
            LedgerMeter.Unavailable(Stopwatch.GetElapsedTime(started));
            return Problem.Unavailable(e.Message);
        }
    }

    private static IResult Admitted(AdmissionOutcome.Admitted a, TimeSpan took)
    {
        LedgerMeter.Admitted(took);
        return Results.Ok(new Response(true, a.ReservationId, a.ExpiresAt));
    }

    private static IResult Closed(TimeSpan took)
    {
        LedgerMeter.Closed(took);
        return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                    detail: "request_id: this request was admitted before and has settled or expired; a new request needs a new request_id.");
    }

    private static IResult Refused(CapHit hit, TimeSpan took, HttpContext http)
    {
        var (scope, kind) = (Wire(hit.Scope.ToString()), Wire(hit.Kind.ToString()));
        LedgerMeter.Rejected(took, scope, kind);
        var rate = hit.Kind is LimitKind.Rpm or LimitKind.Tpm;
        if (hit.RetryAfter is { } wait)
            http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(
            statusCode: rate ? StatusCodes.Status429TooManyRequests : StatusCodes.Status402PaymentRequired,
            title: rate ? "Rate limit reached" : "Budget exhausted",
            detail: $"The {scope}'s {kind} cap of {hit.Limit.ToString(CultureInfo.InvariantCulture)} is reached " +
                    $"(current: {hit.Current.ToString(CultureInfo.InvariantCulture)}).",
            extensions: new Dictionary<string, object?> { ["scope"] = scope, ["limit_kind"] = kind, ["limit"] = hit.Limit, ["current"] = hit.Current });
    }

    /// <summary>Rpm → rpm, MaxBudget → max_budget, PeriodBudget → period_budget.</summary>
    private static string Wire(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
