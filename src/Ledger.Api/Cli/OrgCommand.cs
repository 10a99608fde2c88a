using System.Text.Json;
using Ledger.Api.Organizations.Creating;
using Ledger.Domain.Organizations.Creating;
using Ledger.Domain.Text;

namespace Ledger.Api.Cli;

/// <summary>
/// <c>ledger org create NAME --owner USER</c>: writes straight to the database, so it works whether
/// or not an API node is running. The last line printed is one JSON object with the tokens, which
/// are shown this once and stored only as hashes.
/// </summary>
public static class OrgCommand
{
    private const string Usage = "usage: ledger org create NAME --owner USER";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["create", var name, "--owner", var owner]) return Fail(Usage);
        owner = VisibleText.Nfc(owner); // as every member id is stored
        if (CreateOrganization.Invalid(name, owner) is { } problem) return Fail(problem);

        await using var store = await CliStore.OpenAsync();

        var created = await OrganizationCreation.CreateAsync(store, name, owner, DateTimeOffset.UtcNow);

        Console.Error.WriteLine($"Created organization '{name}' owned by '{owner}'. Keep the tokens below: they are not shown again.");
        Console.WriteLine(JsonSerializer.Serialize(
            new { organization_id = created.OrganizationId, owner_token = created.OwnerToken, ingest_token = created.IngestToken }));
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
