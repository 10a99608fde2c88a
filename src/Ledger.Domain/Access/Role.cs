namespace Ledger.Domain.Access;

/// <summary>What a bearer token may do (SPEC §2). Ingest is the gateway's token, not a person.</summary>
public enum Role
{
    Owner,
    Admin,
    Member,
    Viewer,
    Ingest,
}

public static class RoleRules
{
    public static bool CanReadDashboard(this Role role) => role is not Role.Ingest;

    public static bool IsAdministrator(this Role role) => role is Role.Owner or Role.Admin;

    /// <summary>Tags are the one write a member may make; a viewer writes nothing.</summary>
    public static bool CanTag(this Role role) => role is Role.Owner or Role.Admin or Role.Member;

    /// <summary>Members and viewers see only the consumers of keys they own.</summary>
    public static bool SeesWholeOrganization(this Role role) => role.IsAdministrator();
}
