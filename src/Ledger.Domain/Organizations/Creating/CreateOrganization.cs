using Ledger.Domain.Access;

namespace Ledger.Domain.Organizations.Creating;

/// <summary>
/// Creating an organization records it, its first owner and two tokens: the owner's and the
/// gateway's ingest token. The caller generates the tokens and passes only their hashes.
/// </summary>
public static class CreateOrganization
{
    public const int MaxNameLength = 100;

    public static string? Invalid(string name, string owner) =>
        string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl)
            ? $"The organization name must be 1 to {MaxNameLength} characters without control characters."
            : MemberId.Problem(string.IsNullOrWhiteSpace(owner) ? null : owner) is { } problem ? $"The owner: {problem}" : null;

    public static object[] Decide(
        Guid organizationId, string name, string owner, string ownerTokenHash, string ingestTokenHash, DateTimeOffset now) =>
    [
        new OrganizationCreated(organizationId, name, owner, now),
        new MemberAdded(organizationId, owner, Role.Owner, owner, now),
        new TokenIssued(organizationId, Guid.CreateVersion7(now), ownerTokenHash, Role.Owner, owner, owner, now),
        new TokenIssued(organizationId, Guid.CreateVersion7(now), ingestTokenHash, Role.Ingest, null, owner, now),
    ];
}
