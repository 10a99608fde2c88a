using System.Security.Claims;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Projections.Access;
using Ledger.Projections.Members;
using Marten;

namespace Ledger.Api.Access.Members;

public static class ListMembersEndpoint
{
    public sealed record TokenView(Guid TokenId, DateTimeOffset IssuedAt);

    public sealed record MemberView(string UserId, string Role, DateTimeOffset AddedAt, IReadOnlyList<TokenView> Tokens);

    /// <summary>Members with their live tokens' ids (never the tokens), and the gateway's ingest tokens.</summary>
    public sealed record Response(IReadOnlyList<MemberView> Members, IReadOnlyList<TokenView> IngestTokens);

    public static void MapListMembers(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/members", HandleAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId,
        ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        var org = user.OrganizationOf();
        var members = await session.Query<Member>().Where(m => m.OrganizationId == org).ToListAsync(ct);
        var tokens = await session.Query<AccessToken>().Where(t => t.OrganizationId == org).ToListAsync(ct);
        var byUser = tokens.Where(t => t.UserId is not null).ToLookup(t => t.UserId!);
        return Results.Ok(new Response(
            [.. members.OrderBy(m => m.UserId, StringComparer.Ordinal).Select(m => new MemberView(m.UserId, MemberRoles.Name(m.Role), m.AddedAt,
                [.. byUser[m.UserId].OrderBy(t => t.IssuedAt).Select(View)]))],
            [.. tokens.Where(t => t.UserId is null).OrderBy(t => t.IssuedAt).Select(View)]));
    }

    private static TokenView View(AccessToken t) => new(t.TokenId, t.IssuedAt);
}
