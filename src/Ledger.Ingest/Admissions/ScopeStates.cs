using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Ingest.Admissions.Caps;
using Ledger.Ingest.Admissions.Meters;
using Npgsql;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Reads what the admission decision needs of each scope, in one statement: its caps (a
/// consumer's own override over the organization's defaults; a key's or team's limits), its rpm
/// window and reserved total, its settled lifetime spend, its settled tokens of the last minute
/// where a tpm cap is set, and its settled spend in each recurring budget period where a period
/// budget is set. Only an explicit budget window (or a period that turned over while the locks were
/// awaited) needs a second round trip (<see cref="CompleteAsync"/>).
/// </summary>
public static class ScopeStates
{
    /// <summary>A scope as read: its state for the decision, and its released total (to store the reserved total back).</summary>
    public sealed record Loaded(ScopeState State, decimal Released, bool PeriodSpendRead);

    /// <summary>PostgreSQL keeps microseconds; so do the windows, so what is stored reads back the same.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    private static readonly BudgetDuration[] Recurring = Enum.GetValues<BudgetDuration>();

    // One (first day, first day after) pair per recurring duration, in enum order: $5..$12.
    private static string Start(int i) => $"${5 + 2 * i}";

    private static string PastEnd(int i) => $"${6 + 2 * i}";

    private static readonly string FirstDay = string.Join(" ", Recurring.Select((d, i) => $"when '{Wire(d)}' then {Start(i)}"));

    private static readonly string Sums = string.Join(", ", Recurring.Select((d, i) =>
        $"sum(ds.spend) filter (where ds.day >= {Start(i)} and ds.day < {PastEnd(i)})"));

    /// <summary>The text of <see cref="LoadCommand"/>: the same for every call, so it is made once.</summary>
    private static readonly string LoadSql =
        $"""
            select o.rpm_limit, o.tpm_limit, o.max_budget, o.budget_duration, o.period_budget, o.period_start, o.period_end,
                   d.rpm_limit, d.tpm_limit, d.max_budget, d.budget_duration, d.period_budget, d.period_start, d.period_end,
                   l.rpm_limit, l.tpm_limit, l.max_budget,
                   st.admissions, coalesce(st.reserved, 0),
                   coalesce(m.spend, 0), coalesce(m.released, 0),
                   tk.seconds, tk.tokens, ps.*
            from unnest($1::uuid[], $2::smallint[], $3::text[]) with ordinality s(org, scope, id, ord)
            left join {AdmissionCapsTable.Name} o on s.scope = 0 and o.organization_id = s.org and o.scope = 0 and o.scope_id = s.id
            left join {AdmissionCapsTable.Name} d on s.scope = 0 and d.organization_id = s.org and d.scope = 0 and d.scope_id = ''
            left join {AdmissionCapsTable.Name} l on s.scope <> 0 and l.organization_id = s.org and l.scope = s.scope and l.scope_id = s.id
            left join {AdmissionTables.State} st on st.organization_id = s.org and st.scope = s.scope and st.scope_id = s.id
            left join {ScopeMeterTables.Spend} m on m.organization_id = s.org and m.scope = s.scope and m.scope_id = s.id
            -- Settled tokens per second, only where some tpm cap could apply.
            left join lateral (
                select array_agg(t.second order by t.second) seconds, array_agg(t.tokens order by t.second) tokens
                from {ScopeMeterTables.RecentTokens} t
                where coalesce(o.tpm_limit, d.tpm_limit, l.tpm_limit) is not null
                    and t.organization_id = s.org and t.scope = s.scope and t.scope_id = s.id and t.second > $4
            ) tk on true
            -- Settled spend in each recurring period, only where a recurring period budget could apply, and
            -- reading no day before the earliest such period starts.
            -- A day's spend is its daily row's and, for the day the lifetime row keeps, that row's day_spend.
            left join lateral (
                select {Sums}
                from (select ds.day, ds.spend from {ScopeMeterTables.DailySpend} ds
                      where ds.organization_id = s.org and ds.scope = s.scope and ds.scope_id = s.id
                      union all select m.day, m.day_spend where m.day is not null) ds
                where s.scope = 0 and coalesce(o.budget_duration, d.budget_duration) is not null
                    and ds.day >= least(case o.budget_duration {FirstDay} end, case d.budget_duration {FirstDay} end)
            ) ps on true
            order by s.ord
            """;

    /// <summary>
    /// The statement reading every scope, for a decision at about <paramref name="asked"/>: the
    /// token window and the recurring periods are those of that moment (see <see cref="ReadAsync"/>).
    /// </summary>
    public static NpgsqlBatchCommand LoadCommand(IReadOnlyList<ScopeKey> scopes, DateTimeOffset asked)
    {
        var command = new NpgsqlBatchCommand(LoadSql);
        AddKeys(command.Parameters, scopes);
        // A second's row counts from the end of that second: never shorter than the exact window.
        command.Parameters.Add(new NpgsqlParameter { Value = asked - Admit.Window - TimeSpan.FromSeconds(1) });
        foreach (var (start, end) in Recurring.Select(d => PeriodOf(d, asked)))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = DateOnly.FromDateTime(start.UtcDateTime) });
            command.Parameters.Add(new NpgsqlParameter { Value = PastDay(end) });
        }
        return command;
    }

    /// <summary>
    /// Reads <see cref="LoadCommand"/>'s rows. <paramref name="asked"/> must be what the command was
    /// built with and <paramref name="now"/> no earlier: the token window read reaches back from the
    /// earlier moment, so it holds every entry the decision at <paramref name="now"/> looks at.
    /// </summary>
    public static async Task<Dictionary<ScopeKey, Loaded>> ReadAsync(
        NpgsqlDataReader reader, IReadOnlyList<ScopeKey> scopes, DateTimeOffset asked, DateTimeOffset now, CancellationToken ct)
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
            if (caps.TpmLimit is not null && !reader.IsDBNull(21))
                usage = usage with
                {
                    Tokens = [.. reader.GetFieldValue<DateTimeOffset[]>(21).Zip(reader.GetFieldValue<long[]>(22), (at, n) => new WindowEntry(at.AddSeconds(1), n))],
                };
            // A recurring period's spend was read for the period of `asked`; if that is still the current one, it is the answer.
            var periodRead = caps.Period switch
            {
                null => true,
                { Duration: { } duration } => BudgetPeriod.Current(caps.Period, now) == PeriodOf(duration, asked),
                _ => false, // an explicit window
            };
            if (periodRead && caps.Period is { Duration: { } d } && !reader.IsDBNull(23 + (int)d))
                usage = usage with { PeriodSpend = reader.GetDecimal(23 + (int)d) };
            loaded[scope] = new Loaded(new ScopeState(scope.Scope, caps, usage), released, periodRead);
        }
        return loaded;
    }

    /// <summary>
    /// Adds the period spend <see cref="ReadAsync"/> could not: that of explicit budget windows, and of a recurring
    /// period that began between the read's moment and the decision's (one round trip, if any).
    /// </summary>
    public static async Task<Dictionary<ScopeKey, Loaded>> CompleteAsync(
        NpgsqlConnection connection, Dictionary<ScopeKey, Loaded> loaded, DateTimeOffset now, CancellationToken ct)
    {
        var periods = loaded
            .Where(s => !s.Value.PeriodSpendRead)
            .Select(s => (s.Key, Period: s.Value.State.Caps.Period is { } p ? BudgetPeriod.Current(p, now) : null))
            .Where(s => s.Period is not null).Select(s => (s.Key, Period: s.Period!.Value)).ToList();
        if (periods.Count == 0) return loaded;

        await using var spend = new NpgsqlCommand(
            $"""
            select s.ord,
                coalesce((select sum(d.spend) from {ScopeMeterTables.DailySpend} d
                          where d.organization_id = s.org and d.scope = s.scope and d.scope_id = s.id
                              and d.day >= s.first_day and d.day < s.past_day), 0)
                + coalesce((select m.day_spend from {ScopeMeterTables.Spend} m
                            where m.organization_id = s.org and m.scope = s.scope and m.scope_id = s.id
                                and m.day >= s.first_day and m.day < s.past_day), 0)
            from unnest($1::uuid[], $2::smallint[], $3::text[], $4::date[], $5::date[]) with ordinality s(org, scope, id, first_day, past_day, ord)
            """, connection);
        AddKeys(spend.Parameters, [.. periods.Select(p => p.Key)]);
        // Spend is kept per UTC day: a period counts every day it touches (recurring periods start and end on days).
        spend.Parameters.Add(new NpgsqlParameter { Value = periods.Select(p => DateOnly.FromDateTime(p.Period.Start.UtcDateTime)).ToArray() });
        spend.Parameters.Add(new NpgsqlParameter { Value = periods.Select(p => PastDay(p.Period.End)).ToArray() });

        var periodSpend = new Dictionary<ScopeKey, decimal>();
        await using var reader = await spend.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) periodSpend[periods[(int)reader.GetInt64(0) - 1].Key] = reader.GetDecimal(1);

        return loaded.ToDictionary(s => s.Key, s => periodSpend.TryGetValue(s.Key, out var inPeriod)
            ? s.Value with { State = s.Value.State with { Usage = s.Value.State.Usage with { PeriodSpend = inPeriod } }, PeriodSpendRead = true }
            : s.Value);
    }

    private static (DateTimeOffset Start, DateTimeOffset End) PeriodOf(BudgetDuration duration, DateTimeOffset at) =>
        BudgetPeriod.Current(new PeriodCap(0m, duration, null, null), at)!.Value;

    private static string Wire(BudgetDuration duration) => duration.ToString().ToLowerInvariant();

    /// <summary>The first UTC day not touched by a period ending (exclusively) at <paramref name="end"/>.</summary>
    private static DateOnly PastDay(DateTimeOffset end)
    {
        var day = DateOnly.FromDateTime(end.UtcDateTime);
        return end.UtcDateTime.TimeOfDay == TimeSpan.Zero ? day : day.AddDays(1);
    }

    internal static void AddKeys(NpgsqlParameterCollection parameters, IReadOnlyList<ScopeKey> scopes)
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
