using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Ingest.Meters;
using Ledger.Projections.ConsumerOverrides;
using Ledger.Projections.ScopeLimits;
using Npgsql;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Reads what the admission decision needs of each scope: its caps (a consumer's own override
/// over the organization's defaults; a key's or team's limits), its rpm window and reserved total,
/// its settled lifetime spend, and, only where a cap needs them, its tokens of the last minute
/// and its spend in the current budget period.
/// </summary>
public static class ScopeStates
{
    /// <summary>A scope as read: its state for the decision, and its released total (to store the reserved total back).</summary>
    public sealed record Loaded(ScopeState State, decimal Released);

    /// <summary>PostgreSQL keeps microseconds; so do the windows, so what is stored reads back the same.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    public static NpgsqlBatchCommand LoadCommand(IReadOnlyList<ScopeKey> scopes)
    {
        var command = new NpgsqlBatchCommand(
            $"""
            select o.rpm_limit, o.tpm_limit, o.max_budget, o.budget_duration, o.period_budget, o.period_start, o.period_end,
                   d.rpm_limit, d.tpm_limit, d.max_budget, d.budget_duration, d.period_budget, d.period_start, d.period_end,
                   l.rpm_limit, l.tpm_limit, l.max_budget,
                   st.admissions, coalesce(st.reserved, 0), coalesce(m.spend, 0), coalesce(m.released, 0)
            from unnest($1::uuid[], $2::smallint[], $3::text[]) with ordinality s(org, scope, id, ord)
            left join {ConsumerOverridesTable.Name} o on s.scope = 0 and o.organization_id = s.org and o.end_user_id = s.id
            left join {ScopeLimitsTable.Name} d on s.scope = 0 and d.organization_id = s.org and d.scope = 0 and d.scope_id = ''
            left join {ScopeLimitsTable.Name} l on s.scope <> 0 and l.organization_id = s.org and l.scope = s.scope and l.scope_id = s.id
            left join {AdmissionTables.State} st on st.organization_id = s.org and st.scope = s.scope and st.scope_id = s.id
            left join {ScopeMeterTables.Spend} m on m.organization_id = s.org and m.scope = s.scope and m.scope_id = s.id
            order by s.ord
            """);
        AddKeys(command.Parameters, scopes);
        return command;
    }

    public static async Task<Dictionary<ScopeKey, Loaded>> ReadAsync(NpgsqlDataReader reader, IReadOnlyList<ScopeKey> scopes, CancellationToken ct)
    {
        var loaded = new Dictionary<ScopeKey, Loaded>(scopes.Count);
        for (var i = 0; await reader.ReadAsync(ct); i++)
        {
            var scope = scopes[i];
            var caps = scope.Scope is CapScope.Consumer
                ? ConsumerCaps.Of(Limits(reader, 0), Limits(reader, 7))
                : new RateLimits(Long(reader, 14), Long(reader, 15), Money(reader, 16)).ToCaps();
            var window = reader.IsDBNull(17) ? [] : WindowCodec.Decode(reader.GetFieldValue<byte[]>(17));
            var (reserved, spend, released) = (reader.GetDecimal(18), reader.GetDecimal(19), reader.GetDecimal(20));
            var usage = ScopeUsage.Nothing with { Admissions = window, LifetimeSpend = spend, Reserved = reserved - released };
            loaded[scope] = new Loaded(new ScopeState(scope.Scope, caps, usage), released);
        }
        return loaded;
    }

    /// <summary>Adds the recent tokens of scopes with a tpm cap and the period spend of scopes with a period budget (one round trip, if any).</summary>
    public static async Task<Dictionary<ScopeKey, Loaded>> CompleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Dictionary<ScopeKey, Loaded> loaded, DateTimeOffset now, CancellationToken ct)
    {
        var tpm = loaded.Where(s => s.Value.State.Caps.TpmLimit is not null).Select(s => s.Key).ToList();
        var periods = loaded
            .Select(s => (s.Key, Period: s.Value.State.Caps.Period is { } p ? BudgetPeriod.Current(p, now) : null))
            .Where(s => s.Period is not null).Select(s => (s.Key, Period: s.Period!.Value)).ToList();
        if (tpm.Count == 0 && periods.Count == 0) return loaded;

        await using var batch = new NpgsqlBatch(connection, tx);
        var tokens = new NpgsqlBatchCommand(
            $"""
            select s.ord, t.second, t.tokens from unnest($1::uuid[], $2::smallint[], $3::text[]) with ordinality s(org, scope, id, ord)
            join {ScopeMeterTables.RecentTokens} t on t.organization_id = s.org and t.scope = s.scope and t.scope_id = s.id and t.second > $4
            """);
        AddKeys(tokens.Parameters, tpm);
        // A second's row counts from the end of that second: never shorter than the exact window.
        tokens.Parameters.Add(new NpgsqlParameter { Value = now - Admit.Window - TimeSpan.FromSeconds(1) });
        batch.BatchCommands.Add(tokens);

        var spend = new NpgsqlBatchCommand(
            $"""
            select s.ord, coalesce(sum(d.spend), 0)
            from unnest($1::uuid[], $2::smallint[], $3::text[], $4::date[], $5::date[]) with ordinality s(org, scope, id, first_day, past_day, ord)
            left join {ScopeMeterTables.DailySpend} d on d.organization_id = s.org and d.scope = s.scope and d.scope_id = s.id
                and d.day >= s.first_day and d.day < s.past_day
            group by s.ord
            """);
        AddKeys(spend.Parameters, [.. periods.Select(p => p.Key)]);
        // Spend is kept per UTC day: a period counts every day it touches (recurring periods start and end on days).
        spend.Parameters.Add(new NpgsqlParameter { Value = periods.Select(p => DateOnly.FromDateTime(p.Period.Start.UtcDateTime)).ToArray() });
        spend.Parameters.Add(new NpgsqlParameter { Value = periods.Select(p => PastDay(p.Period.End)).ToArray() });
        batch.BatchCommands.Add(spend);

        var windows = tpm.ToDictionary(s => s, _ => new List<WindowEntry>());
        var periodSpend = new Dictionary<ScopeKey, decimal>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            windows[tpm[(int)reader.GetInt64(0) - 1]].Add(new WindowEntry(reader.GetFieldValue<DateTimeOffset>(1).AddSeconds(1), reader.GetInt64(2)));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) periodSpend[periods[(int)reader.GetInt64(0) - 1].Key] = reader.GetDecimal(1);

        return loaded.ToDictionary(s => s.Key, s =>
        {
            var usage = s.Value.State.Usage;
            if (windows.TryGetValue(s.Key, out var window)) usage = usage with { Tokens = [.. window.OrderBy(w => w.At)] };
            if (periodSpend.TryGetValue(s.Key, out var inPeriod)) usage = usage with { PeriodSpend = inPeriod };
            return s.Value with { State = s.Value.State with { Usage = usage } };
        });
    }

    /// <summary>The first UTC day not touched by a period ending (exclusively) at <paramref name="end"/>.</summary>
    private static DateOnly PastDay(DateTimeOffset end)
    {
        var day = DateOnly.FromDateTime(end.UtcDateTime);
        return end.UtcDateTime.TimeOfDay == TimeSpan.Zero ? day : day.AddDays(1);
    }

    private static void AddKeys(NpgsqlParameterCollection parameters, IReadOnlyList<ScopeKey> scopes)
    {
        parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.OrganizationId).ToArray() });
        parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => (short)s.Scope).ToArray() });
        parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.Id).ToArray() });
    }

    private static ConsumerLimits Limits(NpgsqlDataReader r, int at) => ConsumerLimits.None with
    {
        RpmLimit = Long(r, at),
        TpmLimit = Long(r, at + 1),
        MaxBudget = Money(r, at + 2),
        BudgetDuration = r.IsDBNull(at + 3) ? null : Enum.Parse<BudgetDuration>(r.GetString(at + 3), ignoreCase: true),
        PeriodBudget = Money(r, at + 4),
        PeriodStart = r.IsDBNull(at + 5) ? null : r.GetFieldValue<DateTimeOffset>(at + 5),
        PeriodEnd = r.IsDBNull(at + 6) ? null : r.GetFieldValue<DateTimeOffset>(at + 6),
    };

    private static long? Long(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static decimal? Money(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);
}
