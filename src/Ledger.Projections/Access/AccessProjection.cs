using JasperFx.Events;
using Ledger.Domain.Access;
using Ledger.Domain.Keys;
using Ledger.Projections.Keys;
using Ledger.Projections.Members;
using Marten;
using Marten.Events.Projections;

namespace Ledger.Projections.Access;

/// <summary>
/// Inline projection of who may do what: live tokens by hash (a revoked one is deleted), members
/// with their current role, and registered keys with their owner. One pass over the batch with a
/// type switch: these events are rare, and a usage batch of thousands of events costs nothing
/// here (three generic multi-stream projections cost a measurable share of ingest).
/// </summary>
public sealed class AccessProjection : IProjection
{
    public const string ProjectionName = "access";

    public static readonly string[] Tables =
        [$"{Storage.LedgerSchema.Name}.mt_doc_accesstoken", $"{Storage.LedgerSchema.Name}.mt_doc_member", $"{Storage.LedgerSchema.Name}.mt_doc_virtualkey"];

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // Documents changed in this batch, so that a later event sees an earlier one's result.
        var members = new Dictionary<string, Member>(StringComparer.Ordinal);
        var keys = new Dictionary<string, VirtualKey>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case TokenIssued t:
                    operations.Store(new AccessToken(t.TokenHash, t.OrganizationId, t.TokenId, t.Role, t.UserId, t.IssuedAt));
                    break;
                case TokenRevoked t:
                    operations.Delete<AccessToken>(t.TokenHash);
                    break;
                case MemberAdded m:
                    members[Member.Key(m.OrganizationId, m.UserId)] = new Member(Member.Key(m.OrganizationId, m.UserId), m.OrganizationId, m.UserId, m.Role, m.AddedAt);
                    break;
                case MemberRoleChanged m when await LoadAsync(operations, members, Member.Key(m.OrganizationId, m.UserId), cancellation) is { } member:
                    members[member.Id] = member with { Role = m.Role };
                    break;
                case KeyRegistered k:
                    keys[VirtualKey.Key(k.OrganizationId, k.KeyId)] =
                        new VirtualKey(VirtualKey.Key(k.OrganizationId, k.KeyId), k.OrganizationId, k.KeyId, k.TeamId, k.OwnerUserId, k.RegisteredAt);
                    break;
                case KeyReassigned k when await LoadAsync(operations, keys, VirtualKey.Key(k.OrganizationId, k.KeyId), cancellation) is { } key:
                    keys[key.Id] = key with { TeamId = k.TeamId, OwnerUserId = k.OwnerUserId };
                    break;
            }
        }
        foreach (var member in members.Values) operations.Store(member);
        foreach (var key in keys.Values) operations.Store(key);
    }

    private static async Task<T?> LoadAsync<T>(IDocumentOperations operations, Dictionary<string, T> batch, string id, CancellationToken ct)
        where T : class =>
        batch.TryGetValue(id, out var pending) ? pending : await operations.LoadAsync<T>(id, ct);
}
