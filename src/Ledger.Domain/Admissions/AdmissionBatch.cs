namespace Ledger.Domain.Admissions;

/// <summary>What became of one admission request.</summary>
public abstract record AdmissionOutcome
{
    public sealed record Admitted(Guid ReservationId, DateTimeOffset ExpiresAt) : AdmissionOutcome;

    public sealed record Rejected(CapHit Hit) : AdmissionOutcome;

    /// <summary>The request id was admitted before and its reservation has closed: it settled or expired.</summary>
    public sealed record Closed : AdmissionOutcome;
}

/// <summary>
/// Decides a group of admission requests in order against the state of their scopes, as if each
/// had arrived alone: every admission counts against the requests after it in the same group.
/// Pure: the state, the requests, the time and the reservation ids come in; the outcomes, the
/// events and each scope's state afterwards come out.
/// </summary>
public static class AdmissionBatch
{
    public sealed record Result(
        IReadOnlyList<AdmissionOutcome> Outcomes, IReadOnlyList<object> Events, IReadOnlyDictionary<ScopeKey, ScopeState> States);

    public static Result Decide(
        IReadOnlyList<AdmissionRequest> requests, IReadOnlyDictionary<ScopeKey, ScopeState> states,
        DateTimeOffset now, TimeSpan reservationTtl, Func<Guid> newReservationId)
    {
        var after = new Dictionary<ScopeKey, ScopeState>(states);
        var outcomes = new List<AdmissionOutcome>(requests.Count);
        var events = new List<object>(requests.Count);
        foreach (var r in requests)
        {
            var scopes = r.Scopes().ToList();
            if (Admit.Decide([.. scopes.Select(s => after[s])], now) is { } hit)
            {
                outcomes.Add(new AdmissionOutcome.Rejected(hit));
                events.Add(new RequestRejected(r.OrganizationId, r.RequestId, r.KeyId, r.TeamId, r.EndUserId, r.Model,
                    hit.Scope, hit.Kind, hit.Limit, hit.Current, now));
                continue;
            }
            var admitted = new AdmissionOutcome.Admitted(newReservationId(), now + reservationTtl);
            foreach (var s in scopes) after[s] = after[s] with { Usage = after[s].Usage.Admitting(now, r.EstimatedCostUsd) };
            outcomes.Add(admitted);
            events.Add(new RequestAdmitted(r.OrganizationId, r.RequestId, admitted.ReservationId, r.KeyId, r.TeamId, r.EndUserId,
                r.Model, r.EstimatedInputTokens, r.EstimatedCostUsd, now, admitted.ExpiresAt));
        }
        return new Result(outcomes, events, after);
    }
}
