using Ledger.Domain.Admissions;
using Ledger.Domain.Alerts;
using Ledger.Domain.Analytics;
using Ledger.Ingest.Admissions;
using Ledger.Projections.DailyActivity;
using Npgsql;

namespace Ledger.Api.Webhooks.Alerting;

/// <summary>An alert that holds now: its identity (consumer, alert, period, percent) and what to announce.</summary>
public sealed record ReachedAlert(string Event, string Alert, string Period, int Percent, AlertData Data);

/// <summary>
/// Which alerts hold now for some consumers: budget thresholds reached, read exactly as admission reads
/// caps and spend (<see cref="ScopeStates"/>), and anomaly flags against the organization's cohort of
/// the month (from the async daily activity read model, as the consumer list shows them).
/// </summary>
public static class ReachedAlerts
{
    public const string Anomaly = "anomaly";

    public static async Task<List<ReachedAlert>> BudgetsAsync(NpgsqlDataSource dataSource, IReadOnlyList<ScopeKey> consumers, DateTimeOffset now, CancellationToken ct)
    {
        if (consumers.Count == 0) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        Dictionary<ScopeKey, ScopeStates.Loaded> loaded;
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(ScopeStates.LoadCommand(consumers, now));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            loaded = await ScopeStates.ReadAsync(reader, consumers, now, now, ct);
        }
        loaded = await ScopeStates.CompleteAsync(connection, loaded, now, ct);
        return [.. loaded.SelectMany(s => BudgetThresholds.Reached(s.Value.State.Caps, s.Value.State.Usage, now).Select(c => new ReachedAlert(
            WebhookEvents.BudgetThresholdCrossed, c.Cap, c.Period, c.Percent,
            new AlertData(s.Key.OrganizationId, s.Key.Id, c.Cap, c.Limit, c.Current, now, c.Percent, c.PeriodStart, c.PeriodEnd))))];
    }

    public static async Task<List<ReachedAlert>> AnomaliesAsync(NpgsqlDataSource dataSource, IReadOnlyList<ScopeKey> consumers, DateTimeOffset now, CancellationToken ct)
    {
        if (consumers.Count == 0) return [];
        var month = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        await using var command = dataSource.CreateCommand(
            $"""
            select m.organization_id, m.end_user_id, m.requests, m.spend, c.members, c.spend, c.requests, c.requests_squared
            from unnest($1::uuid[], $2::text[]) s(org, id)
            join {DailyActivityTables.Months} m on m.organization_id = s.org and m.month = $3 and m.end_user_id = s.id
            join {DailyActivityTables.Cohorts} c on c.organization_id = s.org and c.month = $3
            where m.requests > 0
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = consumers.Select(c => c.OrganizationId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = consumers.Select(c => c.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = month });
        var reached = new List<ReachedAlert>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var cohort = AnomalyCohort.Stats.FromSums(reader.GetInt64(4), reader.GetDecimal(5), reader.GetInt64(6), reader.GetDecimal(7));
            var member = new CohortMember(reader.GetString(1), reader.GetInt64(2), reader.GetDecimal(3));
            if (AnomalyCohort.Flag(member, cohort) is not { } anomaly) continue;
            var bySpend = anomaly.Reasons.Contains(Domain.Analytics.Anomaly.HighSpend);
            reached.Add(new ReachedAlert(WebhookEvents.ConsumerAnomalyFlagged, Anomaly, month.ToString("yyyy-MM"), 0, new AlertData(
                reader.GetGuid(0), member.EndUserId, anomaly.Reasons[0],
                bySpend ? AnomalyCohort.SpendRatioLimit : (decimal)AnomalyCohort.RequestZscoreLimit,
                Math.Round(bySpend ? anomaly.SpendRatio : (decimal)anomaly.RequestZscore, 4), now, Reasons: [.. anomaly.Reasons])));
        }
        return reached;
    }
}
