using System.Net;
using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Http;

/// <summary>What an operator's log shows of the API started as <c>./ledger up</c> starts it, at its configured levels.</summary>
[Collection(ApiProcessCollection.Name)]
public sealed class RequestLogTests(ApiProcess api)
{
    [Fact]
    public async Task a_request_is_logged_by_its_route_without_the_query_string_or_the_consumer_id()
    {
        var org = await api.OrganizationAsync();
        using var owner = api.Client(org.OwnerToken);

        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/consumers?organization_id={org.OrganizationId}&search=secretsearch")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await owner.GetAsync($"/api/consumers/secret_tenant/activity?organization_id={org.OrganizationId}")).StatusCode);

        await api.LoggedAsync("GET /api/consumers answered 200");
        await api.LoggedAsync("GET /api/consumers/{end_user_id}/activity answered 404");
        Assert.DoesNotContain("secretsearch", api.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret_tenant", api.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(org.OrganizationId.ToString(), api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_schema_applied_at_start_is_not_in_the_log()
    {
        await api.LoggedAsync("Application started");

        // Marten logs each DDL statement it runs; a first start on an empty database runs hundreds of lines of them.
        Assert.DoesNotContain("CREATE TABLE", api.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("schema update SQL", api.Output, StringComparison.Ordinal);
    }
}
