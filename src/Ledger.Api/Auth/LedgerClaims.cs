using System.Security.Claims;
using Ledger.Domain.Access;

namespace Ledger.Api.Auth;

public static class LedgerClaims
{
    public const string OrganizationId = "ledger:organization_id";
    public const string Role = "ledger:role";
    public const string UserId = "ledger:user_id";

    public static Guid OrganizationOf(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(OrganizationId)!);

    /// <summary>The member acting, as recorded in events' actor fields.</summary>
    public static string ActorOf(this ClaimsPrincipal user) => user.FindFirstValue(UserId)!;

    public static Role? RoleOf(this ClaimsPrincipal user) =>
        Enum.TryParse<Role>(user.FindFirstValue(Role), out var role) ? role : null;

    /// <summary>
    /// Whether the caller may address the organization named in a request. Anything else, a
    /// foreign id or one that is not an id at all, is answered 404 as if it did not exist.
    /// </summary>
    public static bool Owns(this ClaimsPrincipal user, string? organizationId) =>
        Guid.TryParse(organizationId, out var id) && id == user.OrganizationOf();
}
