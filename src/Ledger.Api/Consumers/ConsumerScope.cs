using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Domain.Access;
using Ledger.Projections.Consumers;
using Ledger.Projections.Keys;
using Marten;
using Npgsql;

namespace Ledger.Api.Consumers;

/// <summary>
/// Which consumers a caller sees (SPEC §2): owners and admins the whole organization; members and
/// viewers the consumers whose traffic came through keys they own. A scope is null for the whole
/// organization, or the key ids whose consumers are visible.
/// </summary>
public sealed class ConsumerScope(IDocumentStore store, NpgsqlDataSource dataSource)
{
    public sealed record Choice(string[]? Keys, string? Refused);

    /// <summary>The scope a caller asked for with <c>scope=org|mine</c>, or why it may not have it.</summary>
    public async Task<Choice> ChooseAsync(ClaimsPrincipal user, string? requested, CancellationToken ct)
    {
        var wholeOrganization = user.RoleOf() is { } role && role.SeesWholeOrganization();
        if (requested == "org" && !wholeOrganization)
            return new Choice(null, "Only owners and admins may see the whole organization; use scope=mine.");
        var mine = requested == "mine" || !wholeOrganization;
        return new Choice(mine ? await OwnedKeysAsync(user, ct) : null, null);
    }

    /// <summary>The default scope for the caller's role.</summary>
    public async Task<string[]?> DefaultAsync(ClaimsPrincipal user, CancellationToken ct) => (await ChooseAsync(user, null, ct)).Keys;

    /// <summary>Whether the consumer is in the caller's default scope (it need not exist).</summary>
    public async Task<bool> CanSeeAsync(ClaimsPrincipal user, string endUserId, CancellationToken ct)
    {
        if (await DefaultAsync(user, ct) is not { } keys) return true;
        await using var command = dataSource.CreateCommand(
            $"select exists (select 1 from {ConsumersTable.Name} where organization_id = $1 and end_user_id = $2 and keys_seen && $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = user.OrganizationOf() });
        command.Parameters.Add(new NpgsqlParameter { Value = endUserId });
        command.Parameters.Add(new NpgsqlParameter { Value = keys });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<string[]> OwnedKeysAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var (org, owner) = (user.OrganizationOf(), user.ActorOf());
        var keys = await session.Query<VirtualKey>().Where(k => k.OrganizationId == org && k.OwnerUserId == owner)
            .Select(k => k.KeyId).ToListAsync(ct);
        return [.. keys];
    }
}
