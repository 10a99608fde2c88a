using Ledger.Domain.Access;

namespace Ledger.Api.Access;

/// <summary>The roles a person can hold, as they are written on the wire.</summary>
public static class MemberRoles
{
    public static readonly string[] Names = ["owner", "admin", "member", "viewer"];

    public static Role? Parse(string? name) => name switch
    {
        "owner" => Role.Owner,
        "admin" => Role.Admin,
        "member" => Role.Member,
        "viewer" => Role.Viewer,
        _ => null,
    };

    public static string Name(Role role) => role.ToString().ToLowerInvariant();
}
