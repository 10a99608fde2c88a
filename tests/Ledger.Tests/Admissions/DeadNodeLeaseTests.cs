using System.Net;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Admissions.AdmissionsApi;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Admissions;

/// <summary>
/// A node killed while it holds leases (docs/architecture.md, "Admission leases"): the quota it leased and did not
/// spend stays counted until its lease ends and a reservation's lifetime has passed, so the other nodes admit less,
/// never more; then all of it comes back, also what was spent from leases the node gave back before it stored their
/// admissions (a lease goes back only once they are stored).
/// </summary>
public sealed class DeadNodeLeaseTests
{
    private const decimal Budget = 1.00m;
    private const decimal Estimate = 0.01m;

    [Fact]
    public async Task a_killed_node_loses_only_its_unspent_lease_until_it_is_reaped_and_the_budget_is_never_passed()
    {
        var survivor = new ApiProcess
        {
            Settings = new Dictionary<string, string>
            {
                ["Ledger:Admissions:LeaseTerm"] = "00:00:02",
                ["Ledger:Admissions:ReservationTtl"] = "00:00:03",
                ["Ledger:Admissions:ExpirySweepInterval"] = "00:00:01",
            },
        };
        await survivor.InitializeAsync();
        var dying = ApiProcess.NodeBeside(survivor);
        await dying.InitializeAsync();
        try
        {
            var created = await survivor.OrganizationAsync();
            await PreRegisterAsync(survivor.Client(created.OwnerToken), created.OrganizationId, "tenant_acme", maxBudget: Budget).SucceededAsync();
            var (onSurvivor, onDying) = (survivor.Client(created.IngestToken), dying.Client(created.IngestToken));

            // Bursts on the dying node earn it leases of the consumer's budget.
            var admitted = new List<string>();
            for (var wave = 0; wave < 3; wave++)
            {
                var ids = Enumerable.Range(0, 10).Select(i => $"dying-{wave}-{i}").ToList();
                var answers = await Task.WhenAll(ids.Select(id => AdmitAsync(onDying, id, cost: Estimate)));
                admitted.AddRange(ids.Where((_, i) => answers[i].StatusCode == HttpStatusCode.OK));
            }
            await dying.DisposeAsync(); // killed: it gives nothing back
            // Read once it is dead: until then its keeper may still renew a lease, stranding more than a read before.
            var stranded = await UnspentLeasedAsync(survivor.ConnectionString, created.OrganizationId);
            Assert.True(stranded > 0, "the dead node holds budget it had not spent");
            // Answered, but not yet stored when it died: their cost stays counted in the lease until it is reaped.
            var unstored = admitted.Count - await StoredAsync(survivor.ConnectionString, created.OrganizationId);
            // Every admitted request settles at its estimate, through the survivor.
            foreach (var id in admitted) await PostUsageAsync(onSurvivor, UsageRecord(id, cost: Estimate)).SucceededAsync();

            var beforeReaping = await AdmitUntilRefusedAsync(onSurvivor, "before");
            Assert.True(admitted.Count + beforeReaping.Count <= Budget / Estimate,
                $"the budget is never passed: {admitted.Count} admitted by the dead node ({unstored} not stored), {beforeReaping.Count} by the survivor, {stranded} stranded");
            // Refused early by no more than what the dead node's lease left unspent.
            Assert.True(admitted.Count + beforeReaping.Count >= Budget / Estimate - Math.Ceiling(stranded / Estimate) - unstored,
                $"refused early by more than the stranded lease: {admitted.Count} admitted by the dead node ({unstored} not stored), " +
                $"{beforeReaping.Count} by the survivor, {stranded} stranded");

            // Once the lease has ended and a reservation's lifetime passed, any node gives the unspent budget back.
            await WaitUntilAsync(async () => await UnspentLeasedAsync(survivor.ConnectionString, created.OrganizationId) == 0);
            var afterReaping = await AdmitUntilRefusedAsync(onSurvivor, "after");
            var total = admitted.Count + beforeReaping.Count + afterReaping.Count;
            var seen = $"{admitted.Count} admitted by the dead node ({unstored} not stored), {beforeReaping.Count} by the survivor before reaping " +
                $"and {afterReaping.Count} after, {stranded} stranded; {await ScopeAsync(survivor.ConnectionString, created.OrganizationId)}";
            Assert.True(total <= Budget / Estimate, $"the budget is never passed, also once the lease is reaped: {seen}");
            // The reaper may have run while the survivor was still being refused early: either way, all of it comes back.
            Assert.True(total == Budget / Estimate, $"the budget the dead node left unspent comes back: {seen}");
        }
        finally
        {
            await dying.DisposeAsync();
            await survivor.DisposeAsync();
        }
    }

    /// <summary>Admits one request after another, each settled at once, until one is refused; returns those admitted.</summary>
    private static async Task<List<string>> AdmitUntilRefusedAsync(HttpClient ingest, string prefix)
    {
        var admitted = new List<string>();
        for (var i = 0; ; i++)
        {
            var answer = await AdmitAsync(ingest, $"{prefix}-{i}", cost: Estimate);
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                await answer.ProblemAsync(HttpStatusCode.PaymentRequired);
                return admitted;
            }
            admitted.Add($"{prefix}-{i}");
            await PostUsageAsync(ingest, UsageRecord($"{prefix}-{i}", cost: Estimate)).SucceededAsync();
        }
    }

    /// <summary>Admissions of the organization stored.</summary>
    private static async Task<long> StoredAsync(string connectionString, Guid org)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ledger.admissions where organization_id = $1", connection);
        command.Parameters.AddWithValue(org);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The consumer's admission state as stored, for a failure's message.</summary>
    private static async Task<string> ScopeAsync(string connectionString, Guid org)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select format('reserved %s, released %s, spend %s, open reservations %s, leases %s',
                (select reserved from ledger.admission_state where organization_id = $1 and scope = 0),
                (select released from ledger.scope_spend where organization_id = $1 and scope = 0),
                (select total_spend from ledger.consumers where organization_id = $1),
                (select count(*) from ledger.admissions where organization_id = $1 and closed_at is null),
                (select count(*) from ledger.admission_leases where organization_id = $1 and scope = 0))
            """, connection);
        command.Parameters.AddWithValue(org);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Budget leased by nodes of the organization and not recorded as spent.</summary>
    private static async Task<decimal> UnspentLeasedAsync(string connectionString, Guid org)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select coalesce(sum(headroom - headroom_spent), 0) from ledger.admission_leases where organization_id = $1 and scope = 0", connection);
        command.Parameters.AddWithValue(org);
        return (decimal)(await command.ExecuteScalarAsync())!;
    }
}
