using System.Collections.Immutable;
using Ledger.Domain.Access;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.Keys;
using Ledger.Domain.ModelPrices;
using Ledger.Domain.Teams;

namespace Ledger.Domain.Organizations;

/// <summary>
/// The organization aggregate: who its members are, which tokens are live, which keys are
/// registered, the caps set on keys, teams and as consumer defaults, and its own model prices.
/// Folded from the organization stream, which holds every membership, token, key, cap and price event, so changes to
/// them are decided against one consistent state.
/// </summary>
public sealed record Organization(
    string Id,
    Guid OrganizationId,
    ImmutableDictionary<string, Role> Members,
    ImmutableDictionary<Guid, Organization.Token> Tokens,
    ImmutableDictionary<string, Organization.Key> Keys)
{
    public ImmutableDictionary<string, RateLimits> KeyLimits { get; init; } = ImmutableDictionary.Create<string, RateLimits>(StringComparer.Ordinal);

    public ImmutableDictionary<string, RateLimits> TeamLimits { get; init; } = ImmutableDictionary.Create<string, RateLimits>(StringComparer.Ordinal);

    public ConsumerLimits ConsumerDefaults { get; init; } = ConsumerLimits.None;

    /// <summary>The organization's own model prices, by model; the shipped defaults apply to the others.</summary>
    public ImmutableDictionary<string, ModelPrice> ModelPrices { get; init; } = ImmutableDictionary.Create<string, ModelPrice>(StringComparer.Ordinal);

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

    public Organization Apply(KeyLimitsChanged e) => this with { KeyLimits = KeyLimits.SetItem(e.KeyId, e.After) };

    public Organization Apply(TeamLimitsChanged e) => this with { TeamLimits = TeamLimits.SetItem(e.TeamId, e.After) };

    public Organization Apply(ConsumerDefaultsChanged e) => this with { ConsumerDefaults = e.After };

    public Organization Apply(ModelPriceChanged e) =>
        this with { ModelPrices = e.After is { } price ? ModelPrices.SetItem(e.Model, price) : ModelPrices.Remove(e.Model) };

    public RateLimits KeyLimitsOf(string keyId) => KeyLimits.GetValueOrDefault(keyId, RateLimits.None);

    public RateLimits TeamLimitsOf(string teamId) => TeamLimits.GetValueOrDefault(teamId, RateLimits.None);

    public Role? RoleOf(string userId) => Members.TryGetValue(userId, out var role) ? role : null;
}
