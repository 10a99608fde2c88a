using Ledger.Projections.Access;
using Ledger.Projections.Members;
using Marten;

namespace Ledger.Api.Access.Members;

/// <summary>An organization's members with their live tokens' ids (never the tokens), and the gateway's ingest tokens.</summary>
public sealed class MemberListQuery(IDocumentStore store)
{
    public sealed record TokenView(Guid TokenId, DateTimeOffset IssuedAt);

    public sealed record MemberView(string UserId, string Role, DateTimeOffset AddedAt, IReadOnlyList<TokenView> Tokens);

    public sealed record Result(IReadOnlyList<MemberView> Members, IReadOnlyList<TokenView> IngestTokens);

    public async Task<Result> RunAsync(Guid organizationId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var members = await session.Query<Member>().Where(m => m.OrganizationId == organizationId).ToListAsync(ct);
        var tokens = await session.Query<AccessToken>().Where(t => t.OrganizationId == organizationId).ToListAsync(ct);
        var byUser = tokens.Where(t => t.UserId is not null).ToLookup(t => t.UserId!);
        return new Result(
            [.. members.OrderBy(m => m.UserId, StringComparer.Ordinal).Select(m => new MemberView(m.UserId, MemberRoles.Name(m.Role), m.AddedAt,
                [.. byUser[m.UserId].OrderBy(t => t.IssuedAt).Select(View)]))],
            [.. tokens.Where(t => t.UserId is null).OrderBy(t => t.IssuedAt).Select(View)]);
    }

    private static TokenView View(AccessToken t) => new(t.TokenId, t.IssuedAt);
}
