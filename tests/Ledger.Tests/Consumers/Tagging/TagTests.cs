using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Consumers.Tagging;

[Collection(LedgerCollection.Name)]
public sealed class TagTests(LedgerApp app)
{
    [Fact]
    public async Task adding_a_tag_shows_it_in_the_tag_list_and_on_the_consumer_row()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();

        var tag = await (await AddTagAsync(org.Owner, org.Id, "tenant_acme", "plan:pro")).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("plan:pro", tag.GetProperty("tag").GetString());
        Assert.Equal("tenant_acme", tag.GetProperty("end_user_id").GetString());
        var listed = Assert.Single(await TagsAsync(org.Owner, org.Id, "tenant_acme"));
        Assert.Equal(tag.GetProperty("id").GetGuid(), listed.GetProperty("id").GetGuid());
        Assert.True(listed.TryGetProperty("created_at", out _));
        var row = Assert.Single((await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}")).GetProperty("consumers").EnumerateArray());
        Assert.Equal(["plan:pro"], row.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task adding_the_same_tag_twice_leaves_one()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();

        var first = await (await AddTagAsync(org.Owner, org.Id, "tenant_acme", "plan:pro")).JsonAsync(HttpStatusCode.Created);
        var second = await (await AddTagAsync(org.Owner, org.Id, "tenant_acme", "plan:pro")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        Assert.Single(await TagsAsync(org.Owner, org.Id, "tenant_acme"));
    }

    [Fact]
    public async Task tags_are_case_sensitive_and_listed_per_consumer_or_for_the_whole_organization()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_globex").SucceededAsync();
        await AddTagAsync(org.Owner, org.Id, "tenant_acme", "plan:pro").SucceededAsync();
        await AddTagAsync(org.Owner, org.Id, "tenant_acme", "Plan:Pro").SucceededAsync();
        await AddTagAsync(org.Owner, org.Id, "tenant_globex", "region:eu").SucceededAsync();

        Assert.Equal(2, (await TagsAsync(org.Owner, org.Id, "tenant_acme")).Count);
        Assert.Equal(3, (await TagsAsync(org.Owner, org.Id, null)).Count);
    }

    [Fact]
    public async Task removing_a_tag_by_id_takes_it_off_the_consumer()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();
        var tag = await (await AddTagAsync(org.Owner, org.Id, "tenant_acme", "trial")).JsonAsync(HttpStatusCode.Created);
        await AddTagAsync(org.Owner, org.Id, "tenant_acme", "region:eu").SucceededAsync();

        var removed = await org.Owner.DeleteAsync($"/api/end-users/tags?id={tag.GetProperty("id").GetGuid()}&organization_id={org.Id}");

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(["region:eu"], (await TagsAsync(org.Owner, org.Id, "tenant_acme")).Select(t => t.GetProperty("tag").GetString()));
        var again = await org.Owner.DeleteAsync($"/api/end-users/tags?id={tag.GetProperty("id").GetGuid()}&organization_id={org.Id}");
        await again.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(60, HttpStatusCode.Created)]
    [InlineData(61, HttpStatusCode.BadRequest)]
    public async Task a_tag_is_at_most_60_characters(int length, HttpStatusCode expected)
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();

        var response = await AddTagAsync(org.Owner, org.Id, "tenant_acme", new string('t', length));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.Contains("tag", (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
            Assert.Empty(await TagsAsync(org.Owner, org.Id, "tenant_acme"));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("line\nbreak")]
    [InlineData("nul\u0000")]
    [InlineData("plan:pro\u200b")]
    [InlineData("plan:\u202eorp")]
    public async Task an_empty_tag_or_one_with_control_or_invisible_characters_is_refused(string tag)
    {
        var org = await app.Scenarios.OrganizationAsync();
        await PreRegisterAsync(org.Owner, org.Id, "tenant_acme").SucceededAsync();

        var problem = await (await AddTagAsync(org.Owner, org.Id, "tenant_acme", tag)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("tag", problem.ErrorFields());
        Assert.Empty(await TagsAsync(org.Owner, org.Id, "tenant_acme"));
    }

    [Fact]
    public async Task tagging_a_consumer_that_does_not_exist_answers_404()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await AddTagAsync(org.Owner, org.Id, "nobody", "plan:pro")).ProblemAsync(HttpStatusCode.NotFound);

        // and does not bring the consumer into being
        var list = await org.Owner.GetFromJsonAsync<JsonElement>($"/api/consumers?organization_id={org.Id}");
        Assert.Equal(0, list.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task a_viewer_may_read_tags_but_not_write_them()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var viewer = await app.Scenarios.MemberAsync(org, "vera", "viewer");
        await RegisterKeyAsync(org, "key_vera", "vera");
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "tenant_acme", key: "key_vera"))).JsonAsync(HttpStatusCode.Accepted);
        var tag = await (await AddTagAsync(org.Owner, org.Id, "tenant_acme", "plan:pro")).JsonAsync(HttpStatusCode.Created);

        await (await AddTagAsync(viewer, org.Id, "tenant_acme", "trial")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await viewer.DeleteAsync($"/api/end-users/tags?id={tag.GetProperty("id").GetGuid()}&organization_id={org.Id}"))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Single(await TagsAsync(viewer, org.Id, "tenant_acme"));
    }

    [Fact]
    public async Task a_member_tags_consumers_of_keys_it_owns_and_no_others()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var member = await app.Scenarios.MemberAsync(org, "mia", "member");
        await RegisterKeyAsync(org, "key_mia", "mia");
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1", "mine", key: "key_mia"), UsageRecord("r2", "theirs", key: "key_other")))
            .JsonAsync(HttpStatusCode.Accepted);
        await AddTagAsync(org.Owner, org.Id, "theirs", "secret").SucceededAsync();

        await (await AddTagAsync(member, org.Id, "mine", "plan:pro")).JsonAsync(HttpStatusCode.Created);
        await (await AddTagAsync(member, org.Id, "theirs", "plan:pro")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(["mine"], (await TagsAsync(member, org.Id, null)).Select(t => t.GetProperty("end_user_id").GetString()));
        var theirTag = Assert.Single(await TagsAsync(org.Owner, org.Id, "theirs"));
        await (await member.DeleteAsync($"/api/end-users/tags?id={theirTag.GetProperty("id").GetGuid()}&organization_id={org.Id}"))
            .ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task another_organizations_tags_are_invisible()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex");
        await PreRegisterAsync(acme.Owner, acme.Id, "tenant_acme").SucceededAsync();
        var tag = await (await AddTagAsync(acme.Owner, acme.Id, "tenant_acme", "plan:pro")).JsonAsync(HttpStatusCode.Created);

        await (await globex.Owner.GetAsync($"/api/end-users/tags?organization_id={acme.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await AddTagAsync(globex.Owner, acme.Id, "tenant_acme", "x")).ProblemAsync(HttpStatusCode.NotFound);
        await (await globex.Owner.DeleteAsync($"/api/end-users/tags?id={tag.GetProperty("id").GetGuid()}&organization_id={globex.Id}"))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.Single(await TagsAsync(acme.Owner, acme.Id, "tenant_acme"));
    }

    [Theory]
    [InlineData("/api/end-users/tags")]
    [InlineData("/api/end-users/overrides")]
    public async Task a_consumer_filter_with_control_characters_is_refused(string path)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await org.Owner.GetAsync($"{path}?organization_id={org.Id}&end_user_id=bad%00id")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("end_user_id", problem.ErrorFields());
    }

    private static async Task<List<JsonElement>> TagsAsync(HttpClient client, Guid org, string? endUserId)
    {
        var query = endUserId is null ? "" : $"&end_user_id={Uri.EscapeDataString(endUserId)}";
        var body = await (await client.GetAsync($"/api/end-users/tags?organization_id={org}{query}")).JsonAsync(HttpStatusCode.OK);
        return [.. body.GetProperty("tags").EnumerateArray()];
    }
}
