using Ledger.Domain.Access;
using Ledger.Domain.Access.Members;
using Ledger.Domain.Access.Tokens;
using Ledger.Domain.Decisions;
using Ledger.Domain.Keys;
using Ledger.Domain.Keys.Registering;
using Ledger.Domain.Organizations;

namespace Ledger.Tests.Domain.Access;

public sealed class MembershipDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid OrgId = Guid.NewGuid();
    private static readonly Guid AliceToken = Guid.NewGuid();
    private static readonly Guid IngestToken = Guid.NewGuid();

    [Theory]
    [InlineData("alice", Role.Owner)]
    [InlineData("alice", Role.Viewer)]
    [InlineData("adam", Role.Admin)]
    [InlineData("adam", Role.Member)]
    public void adding_a_member_records_it_and_issues_its_first_token_with_the_role(string actor, Role role)
    {
        var org = Acme(Added("adam", Role.Admin));
        var tokenId = Guid.NewGuid();

        var decision = AddMember.Decide(org, actor, "mia", role, tokenId, "hash-mia", Now);

        Assert.Null(decision.Refusal);
        Assert.Equal<object>(
            [new MemberAdded(OrgId, "mia", role, actor, Now), new TokenIssued(OrgId, tokenId, "hash-mia", role, "mia", actor, Now)],
            decision.Events);
    }

    [Fact]
    public void adding_an_existing_member_is_a_conflict_on_user_id_but_ids_differ_by_case()
    {
        var org = Acme(Added("mia", Role.Viewer));

        Refused(AddMember.Decide(org, "alice", "mia", Role.Member, Guid.NewGuid(), "h", Now), RefusalKind.Conflict, "user_id");
        Refused(AddMember.Decide(org, "alice", "alice", Role.Owner, Guid.NewGuid(), "h", Now), RefusalKind.Conflict, "user_id");
        Assert.Null(AddMember.Decide(org, "alice", "Mia", Role.Member, Guid.NewGuid(), "h", Now).Refusal);
    }

    [Fact]
    public void only_an_owner_may_add_an_owner() =>
        Refused(AddMember.Decide(Acme(Added("adam", Role.Admin)), "adam", "olga", Role.Owner, Guid.NewGuid(), "h", Now),
            RefusalKind.Forbidden, "role");

    [Fact]
    public void re_roling_records_the_previous_and_the_new_role() =>
        Assert.Equal<object>([new MemberRoleChanged(OrgId, "mia", Role.Member, Role.Admin, "alice", Now)],
            ChangeRole.Decide(Acme(Added("mia", Role.Member)), "alice", "mia", Role.Admin, Now).Events);

    [Fact]
    public void re_roling_to_the_current_role_changes_nothing() =>
        Unchanged(ChangeRole.Decide(Acme(Added("mia", Role.Member)), "alice", "mia", Role.Member, Now));

    [Fact]
    public void re_roling_someone_who_is_not_a_member_is_not_found() =>
        Refused(ChangeRole.Decide(Acme(), "alice", "nobody", Role.Admin, Now), RefusalKind.NotFound, "user_id");

    [Theory]
    [InlineData("mia", Role.Owner)]
    [InlineData("alice", Role.Admin)]
    [InlineData("alice", Role.Viewer)]
    public void an_admin_may_neither_grant_nor_take_away_the_owner_role(string userId, Role role)
    {
        var org = Acme(Added("adam", Role.Admin), Added("mia", Role.Member), Added("olga", Role.Owner));

        Refused(ChangeRole.Decide(org, "adam", userId, role, Now), RefusalKind.Forbidden, "role");
    }

    [Fact]
    public void the_last_owner_cannot_be_demoted_but_one_of_two_owners_can()
    {
        Refused(ChangeRole.Decide(Acme(), "alice", "alice", Role.Admin, Now), RefusalKind.Conflict, "role");
        // another owner without a token cannot act as one, so alice stays
        Refused(ChangeRole.Decide(Acme(Added("olga", Role.Owner)), "alice", "alice", Role.Admin, Now), RefusalKind.Conflict, "role");

        var twoOwners = Acme(Added("olga", Role.Owner), Issued("olga", out _));
        Assert.Single(ChangeRole.Decide(twoOwners, "alice", "alice", Role.Admin, Now).Events);
        Assert.Single(ChangeRole.Decide(twoOwners, "alice", "olga", Role.Member, Now).Events);
    }

    [Fact]
    public void another_token_carries_the_members_current_role()
    {
        var org = Acme(Added("mia", Role.Member), new MemberRoleChanged(OrgId, "mia", Role.Member, Role.Viewer, "alice", Now));
        var tokenId = Guid.NewGuid();

        var decision = IssueToken.Decide(org, "alice", "mia", tokenId, "hash-2", Now);

        Assert.Equal<object>([new TokenIssued(OrgId, tokenId, "hash-2", Role.Viewer, "mia", "alice", Now)], decision.Events);
    }

    [Fact]
    public void a_token_goes_only_to_a_member_from_itself_or_an_owner()
    {
        var org = Acme(Added("adam", Role.Admin), Added("mia", Role.Member));

        Refused(IssueToken.Decide(org, "alice", "nobody", Guid.NewGuid(), "h", Now), RefusalKind.NotFound, "user_id");
        Refused(IssueToken.Decide(org, "adam", "alice", Guid.NewGuid(), "h", Now), RefusalKind.Forbidden, "user_id");
        Assert.Single(IssueToken.Decide(org, "alice", "alice", Guid.NewGuid(), "h", Now).Events);
        Assert.Single(IssueToken.Decide(org, "adam", "adam", Guid.NewGuid(), "h", Now).Events);
        // an admin minting a token for a member could act, and be audited, as that member
        Refused(IssueToken.Decide(org, "adam", "mia", Guid.NewGuid(), "h", Now), RefusalKind.Forbidden, "user_id");
        Assert.Single(IssueToken.Decide(org, "alice", "mia", Guid.NewGuid(), "h", Now).Events);
    }

    [Fact]
    public void revoking_a_live_token_records_its_hash_so_it_stops_authenticating()
    {
        var org = Acme(Added("mia", Role.Member), Issued("mia", out var miaToken));

        var decision = RevokeToken.Decide(org, "alice", miaToken, Now);

        Assert.Equal<object>([new TokenRevoked(OrgId, miaToken, $"hash-{miaToken}", "alice", Now)], decision.Events);
        Refused(RevokeToken.Decide(Fold(org, decision.Events), "alice", miaToken, Now), RefusalKind.NotFound, "token_id");
    }

    [Fact]
    public void an_admin_may_revoke_the_gateways_token_but_not_an_owners()
    {
        var org = Acme(Added("adam", Role.Admin), Issued("alice", out _));

        Assert.Single(RevokeToken.Decide(org, "adam", IngestToken, Now).Events);
        Refused(RevokeToken.Decide(org, "adam", AliceToken, Now), RefusalKind.Forbidden, "token_id");
    }

    [Fact]
    public void the_last_owner_token_cannot_be_revoked_until_another_is_issued()
    {
        Refused(RevokeToken.Decide(Acme(), "alice", AliceToken, Now), RefusalKind.Conflict, "token_id");

        Assert.Single(RevokeToken.Decide(Acme(Issued("alice", out _)), "alice", AliceToken, Now).Events);
    }

    [Fact]
    public void a_demoted_owners_token_does_not_count_as_an_owner_token()
    {
        var org = Acme(Added("olga", Role.Owner), Issued("olga", out var olgaToken),
            new MemberRoleChanged(OrgId, "alice", Role.Owner, Role.Admin, "olga", Now));

        Refused(RevokeToken.Decide(org, "olga", olgaToken, Now), RefusalKind.Conflict, "token_id");
        Assert.Single(RevokeToken.Decide(org, "olga", AliceToken, Now).Events);
    }

    [Fact]
    public void registering_a_new_key_records_its_team_and_owner() =>
        Assert.Equal<object>([new KeyRegistered(OrgId, "key_x", "production", "mia", "alice", Now)],
            RegisterKey.Decide(Acme(Added("mia", Role.Member)), "alice", "key_x", "production", "mia", Now).Events);

    [Fact]
    public void registering_a_key_again_unchanged_changes_nothing() => Unchanged(RegisterKey.Decide(
        Acme(Added("mia", Role.Member), new KeyRegistered(OrgId, "key_x", null, "mia", "alice", Now)), "alice", "key_x", null, "mia", Now));

    [Theory]
    [InlineData("production", "bob")]
    [InlineData("staging", "mia")]
    [InlineData(null, "mia")]
    public void registering_a_key_with_another_owner_or_team_reassigns_it(string? team, string owner)
    {
        var org = Acme(Added("mia", Role.Member), Added("bob", Role.Viewer),
            new KeyRegistered(OrgId, "key_x", "production", "mia", "alice", Now));

        var decision = RegisterKey.Decide(org, "alice", "key_x", team, owner, Now);

        Assert.Equal<object>([new KeyReassigned(OrgId, "key_x", team, owner, "alice", Now)], decision.Events);
    }

    [Fact]
    public void a_keys_owner_must_be_a_member() =>
        Refused(RegisterKey.Decide(Acme(), "alice", "key_x", null, "stranger", Now), RefusalKind.Invalid, "owner_user_id");

    private static void Refused(Decision decision, RefusalKind kind, string field)
    {
        Assert.Equal(kind, decision.Refusal?.Kind);
        Assert.Equal(field, decision.Refusal!.Field);
        Assert.Empty(decision.Events);
    }

    private static void Unchanged(Decision decision)
    {
        Assert.Null(decision.Refusal);
        Assert.Empty(decision.Events);
    }

    private static MemberAdded Added(string userId, Role role) => new(OrgId, userId, role, "alice", Now);

    private static TokenIssued Issued(string userId, out Guid tokenId)
    {
        tokenId = Guid.NewGuid();
        return new TokenIssued(OrgId, tokenId, $"hash-{tokenId}", Role.Member, userId, "alice", Now);
    }

    /// <summary>The organization `ledger org create` makes (owner alice with one token, plus the ingest token), then the events.</summary>
    private static Organization Acme(params object[] events) => Fold(
        Organization.Create(new OrganizationCreated(OrgId, "acme-inc", "alice", Now)),
        [Added("alice", Role.Owner), new TokenIssued(OrgId, AliceToken, "hash-alice", Role.Owner, "alice", "alice", Now),
            new TokenIssued(OrgId, IngestToken, "hash-ingest", Role.Ingest, null, "alice", Now), .. events]);

    private static Organization Fold(Organization org, IEnumerable<object> events) => events.Aggregate(org, (o, e) => e switch
    {
        MemberAdded x => o.Apply(x),
        MemberRoleChanged x => o.Apply(x),
        TokenIssued x => o.Apply(x),
        TokenRevoked x => o.Apply(x),
        KeyRegistered x => o.Apply(x),
        KeyReassigned x => o.Apply(x),
        _ => throw new ArgumentException($"No Apply for {e.GetType().Name}"),
    });
}
