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
}
