namespace Ledger.Domain.Organizations;

/// <summary>One stream per organization holds its lifecycle, members and tokens.</summary>
public static class OrganizationStream
{
    public static string Key(Guid organizationId) => $"org:{organizationId:N}";
}
