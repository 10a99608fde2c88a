using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Dashboard.Session;
using Ledger.Domain.Access;
using Microsoft.AspNetCore.Components;

namespace Ledger.Api.Dashboard.Shell;

/// <summary>
/// A page under <c>/{organization name}/…</c>. The session decides the organization; an address
/// naming any other answers 404, as the JSON API answers a foreign organization's id. A page loads
/// its data in <see cref="LoadAsync"/>, which also runs again after one of its forms has written.
/// </summary>
public abstract class OrganizationPage : ComponentBase
{
    [CascadingParameter] public HttpContext Http { get; set; } = default!;

    [Parameter] public string Org { get; set; } = "";

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected ClaimsPrincipal User => Http.User;

    protected Guid OrganizationId => User.OrganizationOf();

    protected Role Role => User.RoleOf() ?? Role.Viewer;

    /// <summary>
    /// True once the page's data is loaded and the page is to be shown. Blazor renders a component
    /// once while its initialization is still awaiting, so until then this stays false and a page
    /// renders nothing of its own; false for good when the page answered 404.
    /// </summary>
    protected bool Found { get; private set; }

    /// <summary>Whether this member may see the page at all (e.g. the audit log is for owners and admins); else 404.</summary>
    protected virtual bool Allowed => true;

    protected override async Task OnInitializedAsync()
    {
        if (!string.Equals(Org, User.OrganizationNameOf(), StringComparison.Ordinal) || !Allowed)
        {
            Navigation.NotFound();
            return;
        }
        await LoadAsync(Http.RequestAborted);
        // LoadAsync may have found that what the address names is not there (NotFound sets 404).
        Found = Http.Response.StatusCode != StatusCodes.Status404NotFound;
    }

    protected abstract Task LoadAsync(CancellationToken ct);

    /// <summary>After a successful write: the same address again, read fresh (post, redirect, get), so a reload does not post twice.</summary>
    protected void Reload(string? path = null) => Navigation.NavigateTo(path ?? Navigation.Uri);
}
