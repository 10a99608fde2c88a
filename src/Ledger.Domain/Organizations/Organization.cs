using System.Collections.Immutable;
using Ledger.Domain.Access;
using Ledger.Domain.Keys;

namespace Ledger.Domain.Organizations;

/// <summary>
/// The organization aggregate: who its members are, which tokens are live, which keys are
/// registered. Folded from the organization stream, which holds every membership, token and key
/// event, so changes to them are decided against one consistent state.
/// </summary>
public sealed record Organization(
    string Id,
    Guid OrganizationId,
    ImmutableDictionary<string, Role> Members,
    ImmutableDictionary<Guid, Organization.Token> Tokens,
    ImmutableDictionary<string, Organization.Key> Keys)
{
    public sealed record Token(string Hash, string? UserId);

    public sealed record Key(string? TeamId, string OwnerUserId);

    public static Organization Create(OrganizationCreated e) => new(
        OrganizationStream.Key(e.OrganizationId), e.OrganizationId,
        ImmutableDictionary.Create<string, Role>(StringComparer.Ordinal), ImmutableDictionary<Guid, Token>.Empty,
        ImmutableDictionary.Create<string, Key>(StringComparer.Ordinal));

    public Organization Apply(MemberAdded e) => this with { Members = Members.SetItem(e.UserId, e.Role) };

    public Organization Apply(MemberRoleChanged e) => this with { Members = Members.SetItem(e.UserId, e.Role) };

    public Organization Apply(TokenIssued e) => this with { Tokens = Tokens.SetItem(e.TokenId, new Token(e.TokenHash, e.UserId)) };

    public Organization Apply(TokenRevoked e) => this with { Tokens = Tokens.Remove(e.TokenId) };

    public Organization Apply(KeyRegistered e) => this with { Keys = Keys.SetItem(e.KeyId, new Key(e.TeamId, e.OwnerUserId)) };

    public Organization Apply(KeyReassigned e) => this with { Keys = Keys.SetItem(e.KeyId, new Key(e.TeamId, e.OwnerUserId)) };

    public Role? RoleOf(string userId) => Members.TryGetValue(userId, out var role) ? role : null;
}
