using System.Net.Http.Json;
using Ledger.Ingest.Admissions;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// Two consumers with tight caps whose requests are mixed into the measured admission phases, on
/// every node: one with an rpm cap, one with a lifetime budget that its never-settled
/// reservations fill. After the run the stored admissions must show that neither cap was exceeded,
/// however many nodes decided them, and every 200 answered must be stored.
/// </summary>
public sealed class CapProbes(Guid organization)
{
    public const int Rpm = 20;
    public const decimal Budget = 0.02m;
    public const decimal Estimate = 0.001m;
    public const string RpmConsumer = "bench_probe_rpm";
    public const string BudgetConsumer = "bench_probe_budget";

    private int admittedRpm;
    private int admittedBudget;

    public static async Task CreateAsync(HttpClient owner, Guid organization)
    {
        foreach (var (id, rpm, budget) in new[] { (RpmConsumer, (int?)Rpm, (decimal?)null), (BudgetConsumer, null, Budget) })
        {
            using var response = await owner.PostAsJsonAsync("/api/end-users/create",
                new { organization_id = organization, end_user_id = id, rpm_limit = rpm, max_budget = budget });
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"creating {id} failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// One request in 250 of a measured phase goes to a probe, alternately. Near their caps the probes hold no lease, so
    /// each of their requests is decided in the database: the bench reports their latency apart.
    /// </summary>
    public static string? ConsumerOf(int i) => (i % 500) switch { 0 => RpmConsumer, 250 => BudgetConsumer, _ => null };

    public void Answered(string consumer, int status)
    {
        if (status != 200) return;
        if (consumer == RpmConsumer) Interlocked.Increment(ref admittedRpm);
        else Interlocked.Increment(ref admittedBudget);
    }

    /// <summary>What the stored admissions show, or why a cap was exceeded. Admissions stored after their answer get 5 s to arrive.</summary>
    public async Task<(bool Held, string Report)> CheckAsync(string connection)
    {
        await using var db = NpgsqlDataSource.Create(connection);
        for (var attempt = 0; ; attempt++)
        {
            var (held, report) = await CheckOnceAsync(db);
            if (held || attempt == 10) return (held, report);
            await Task.Delay(500);
        }
    }

    private async Task<(bool Held, string Report)> CheckOnceAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand(
            $"select end_user_id, admitted_at from {AdmissionTables.Admissions} where organization_id = $1 and end_user_id = any($2) order by admitted_at");
        command.Parameters.Add(new NpgsqlParameter { Value = organization });
        command.Parameters.Add(new NpgsqlParameter { Value = new[] { RpmConsumer, BudgetConsumer } });
        var rpmTimes = new List<DateTimeOffset>();
        var budgetCount = 0;
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                if (reader.GetString(0) == RpmConsumer) rpmTimes.Add(reader.GetFieldValue<DateTimeOffset>(1));
                else budgetCount++;

        var busiestMinute = 0;
        for (int first = 0, last = 0; last < rpmTimes.Count; last++)
        {
            while (rpmTimes[last] - rpmTimes[first] >= TimeSpan.FromSeconds(60)) first++;
            busiestMinute = Math.Max(busiestMinute, last - first + 1);
        }
        var maxBudgetAdmissions = (int)(Budget / Estimate);
        var held = busiestMinute <= Rpm && budgetCount <= maxBudgetAdmissions
            && rpmTimes.Count == admittedRpm && budgetCount == admittedBudget;
        return (held, $"rpm probe: {busiestMinute} admitted in its busiest minute (cap {Rpm}; {admittedRpm} answered 200, {rpmTimes.Count} stored); " +
            $"budget probe: {budgetCount} × {Estimate} reserved (cap {Budget}; {admittedBudget} answered 200)");
    }
}
