using Ledger.Domain.Admissions;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>One scope, or every scope of its kind in an organization when <see cref="Id"/> is null (consumer defaults changed).</summary>
public readonly record struct ScopeSelection(Guid OrganizationId, CapScope Scope, string? Id)
{
    public static ScopeSelection Of(ScopeKey scope) => new(scope.OrganizationId, scope.Scope, scope.Id);

    /// <summary>Whether a scope is among <paramref name="selections"/>: set look-ups, for thousands of selections (a bulk import) against thousands of leases.</summary>
    public static Func<ScopeKey, bool> AnyOf(IEnumerable<ScopeSelection> selections)
    {
        var list = selections.ToList();
        var scopes = list.Where(s => s.Id is not null).Select(s => new ScopeKey(s.OrganizationId, s.Scope, s.Id!)).ToHashSet();
        var every = list.Where(s => s.Id is null).Select(s => (s.OrganizationId, s.Scope)).ToHashSet();
        return s => scopes.Contains(s) || every.Contains((s.OrganizationId, s.Scope));
    }

    /// <summary>Its line in a revocation notification (<see cref="LeaseNotifications"/>).</summary>
    public string Line => Id is null
        ? LeaseNotifications.FormatEvery(OrganizationId, Scope)
        : LeaseNotifications.Format(new ScopeKey(OrganizationId, Scope, Id));
}
