using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Upgrading;

/// <summary>
/// A database from the releases in which admission read the dashboard's read models for caps and a
/// consumer's spend: once a node of this release starts on it, every cap set before is enforced, and a
/// consumer's budget counts what it spent before the upgrade.
/// </summary>
public sealed class AdmissionStateUpgradeTests
{
    [Fact]
    public async Task caps_and_spend_from_before_the_upgrade_hold_after_it()
    {
        var before = new ApiProcess();
        await before.InitializeAsync();
        var after = ApiProcess.NodeBeside(before);
        try
        {
            var created = await before.OrganizationAsync();
            var owner = before.Client(created.OwnerToken);
            await PreRegisterAsync(owner, created.OrganizationId, "spender", maxBudget: 1.00m).SucceededAsync();
            await PreRegisterAsync(owner, created.OrganizationId, "limited", rpm: 2).SucceededAsync();
            await owner.PostAsJsonAsync("/api/keys", new { organization_id = created.OrganizationId, key_id = "key_small", owner_user_id = "alice" })
                .SucceededAsync();
            await PutKeyLimitsAsync(owner, created.OrganizationId, "key_small", rpm: 1).SucceededAsync();
            await PutDefaultsAsync(owner, created.OrganizationId, new { max_budget = 0.50m }).SucceededAsync();
            await PostUsageAsync(before.Client(created.IngestToken), UsageRecord("spent", user: "spender", cost: 1.00m)).SucceededAsync();
            await PostUsageAsync(before.Client(created.IngestToken), UsageRecord("half", user: "thrifty", cost: 0.50m)).SucceededAsync();
            await before.DisposeAsync();

            // As the previous release left it: no admission caps of its own, consumers' spend only in their totals.
            await using (var connection = new NpgsqlConnection(before.ConnectionString))
            {
                await connection.OpenAsync();
                await new NpgsqlCommand("drop table ledger.admission_caps; update ledger.scope_spend set spend = 0 where scope = 0", connection)
                    .ExecuteNonQueryAsync();
            }

            await after.InitializeAsync();
            var ingest = after.Client(created.IngestToken);
            await (await AdmitAsync(ingest, "over-own-budget", user: "spender", cost: 0.01m)).ProblemAsync(HttpStatusCode.PaymentRequired);
            await (await AdmitAsync(ingest, "over-default-budget", user: "thrifty", cost: 0.01m)).ProblemAsync(HttpStatusCode.PaymentRequired);
            await AdmittedAsync(ingest, "limited-1", user: "limited");
            await AdmittedAsync(ingest, "limited-2", user: "limited");
            await (await AdmitAsync(ingest, "limited-3", user: "limited")).ProblemAsync(HttpStatusCode.TooManyRequests);
            await AdmittedAsync(ingest, "small-1", user: "newcomer", key: "key_small");
            await (await AdmitAsync(ingest, "small-2", user: "newcomer", key: "key_small")).ProblemAsync(HttpStatusCode.TooManyRequests);
            await AdmittedAsync(ingest, "fresh", user: "newcomer", cost: 0.01m);
        }
        finally
        {
            await after.DisposeAsync();
            await before.DisposeAsync();
        }
    }
}
