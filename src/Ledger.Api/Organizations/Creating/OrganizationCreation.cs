using Ledger.Domain.Access;
using Ledger.Domain.Organizations;
using Ledger.Domain.Organizations.Creating;
using Marten;

namespace Ledger.Api.Organizations.Creating;

/// <summary>
/// The I/O around <see cref="CreateOrganization"/>: generates the two tokens, records the
/// organization with only their hashes, and hands the tokens back to be shown once.
/// </summary>
public static class OrganizationCreation
{
    public sealed record Created(Guid OrganizationId, string OwnerToken, string IngestToken);

    public static async Task<Created> CreateAsync(IDocumentStore store, string name, string owner, DateTimeOffset now)
    {
        var organizationId = Guid.CreateVersion7(now);
        var (ownerToken, ingestToken) = (BearerToken.New(), BearerToken.New());
        await using var session = store.LightweightSession();
        session.Events.StartStream(OrganizationStream.Key(organizationId), CreateOrganization.Decide(
            organizationId, name, owner, BearerToken.Hash(ownerToken), BearerToken.Hash(ingestToken), now));
        await session.SaveChangesAsync();
        return new Created(organizationId, ownerToken, ingestToken);
    }
}
