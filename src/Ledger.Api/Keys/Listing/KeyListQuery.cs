using Ledger.Api.Admissions;
using Ledger.Domain.Admissions;
using Ledger.Projections.Keys;
using Ledger.Projections.ScopeLimits;
using Marten;
using Npgsql;

namespace Ledger.Api.Keys.Listing;

/// <summary>
/// Registered keys with their owner, team and caps, and the teams' caps. Owners and admins see
/// every key and every capped team; a member or viewer the keys it owns and their teams.
/// </summary>
public sealed class KeyListQuery(IDocumentStore store, NpgsqlDataSource dataSource)
{
    public sealed record KeyRow(string KeyId, string OwnerUserId, string? TeamId, DateTimeOffset RegisteredAt, RateLimitsView Limits);

    public sealed record TeamRow(string TeamId, RateLimitsView Limits);

    public sealed record Result(IReadOnlyList<KeyRow> Keys, IReadOnlyList<TeamRow> Teams);

    /// <summary>The whole organization when owner is null, else only the keys that member owns.</summary>
    public async Task<Result> RunAsync(Guid organizationId, string? owner, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var query = session.Query<VirtualKey>().Where(k => k.OrganizationId == organizationId);
        if (owner is not null) query = query.Where(k => k.OwnerUserId == owner);
        var keys = await query.ToListAsync(ct);
        var (keyCaps, teamCaps) = await CapsAsync(organizationId, ct);

        var none = RateLimitsView.Of(RateLimits.None);
        var teams = keys.Where(k => k.TeamId is not null).Select(k => k.TeamId!)
            .Concat(owner is null ? teamCaps.Keys : []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new Result(
            [.. keys.OrderBy(k => k.KeyId, StringComparer.Ordinal)
                .Select(k => new KeyRow(k.KeyId, k.OwnerUserId, k.TeamId, k.RegisteredAt, keyCaps.GetValueOrDefault(k.KeyId, none)))],
            [.. teams.Select(t => new TeamRow(t, teamCaps.GetValueOrDefault(t, none)))]);
    }

    private async Task<(Dictionary<string, RateLimitsView> Keys, Dictionary<string, RateLimitsView> Teams)> CapsAsync(Guid organizationId, CancellationToken ct)
    {
        var (keys, teams) = (new Dictionary<string, RateLimitsView>(StringComparer.Ordinal), new Dictionary<string, RateLimitsView>(StringComparer.Ordinal));
        await using var command = dataSource.CreateCommand(
            $"select scope, scope_id, rpm_limit, tpm_limit, max_budget from {ScopeLimitsTable.Name} where organization_id = $1 and scope in ($2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = organizationId });
        command.Parameters.Add(new NpgsqlParameter { Value = (short)CapScope.Key });
        command.Parameters.Add(new NpgsqlParameter { Value = (short)CapScope.Team });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var limits = new RateLimitsView(Nullable<long>(reader, 2), Nullable<long>(reader, 3), Nullable<decimal>(reader, 4));
            (reader.GetInt16(0) == (short)CapScope.Key ? keys : teams)[reader.GetString(1)] = limits;
        }
        return (keys, teams);
    }

    private static T? Nullable<T>(NpgsqlDataReader reader, int i) where T : struct => reader.IsDBNull(i) ? null : reader.GetFieldValue<T>(i);
}
