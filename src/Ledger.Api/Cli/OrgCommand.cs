using System.Text.Json;
using Ledger.Api.Dashboard.Session;
using Ledger.Api.Organizations.Creating;
using Ledger.Domain.Access;
using Ledger.Domain.Organizations.Creating;
using Ledger.Domain.Text;
using Npgsql;

namespace Ledger.Api.Cli;

/// <summary>
/// <c>ledger org create NAME --owner USER</c>: writes straight to the database, so it works whether
/// or not an API node is running. It prints a one-time sign-in link for the owner, then, as its last
/// line, one JSON object with the tokens, which are shown this once and stored only as hashes.
/// </summary>
public static class OrgCommand
{
    private const string Usage = "usage: ledger org create NAME --owner USER";

    /// <summary>Where the API listens unless LEDGER_URL says otherwise, as Program.cs has it.</summary>
    private const string DefaultUrl = "http://127.0.0.1:5080";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["create", var name, "--owner", var owner]) return Fail(Usage);
        owner = VisibleText.Nfc(owner); // as every member id is stored
        if (CreateOrganization.Invalid(name, owner) is { } problem) return Fail(problem);

        await using var store = await CliStore.OpenAsync();

        var created = await OrganizationCreation.CreateAsync(store, name, owner, DateTimeOffset.UtcNow);
        await using var dataSource = NpgsqlDataSource.Create(CliStore.ConnectionString());
        var code = await new SignInLinksTable(dataSource).IssueAsync(created.OrganizationId, BearerToken.Hash(created.OwnerToken), default);

        Console.Error.WriteLine($"Created organization '{name}' owned by '{owner}'. Keep the tokens below: they are not shown again.");
        Console.WriteLine($"Sign in (once, within {SignInLinksTable.Lifetime.TotalMinutes:0} minutes): " +
            SignInLinkEndpoint.Url(Environment.GetEnvironmentVariable("LEDGER_URL") ?? DefaultUrl, code));
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
