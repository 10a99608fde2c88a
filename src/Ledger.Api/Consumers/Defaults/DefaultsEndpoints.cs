using System.Security.Claims;
using Ledger.Api.Access;
using Ledger.Api.Auth;
using Ledger.Api.Problems;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers.Defaults;
using Ledger.Domain.Organizations;
using Marten;

namespace Ledger.Api.Consumers.Defaults;

public static class DefaultsEndpoints
{
    /// <summary>Replaces the organization's default consumer caps; a PUT that changes nothing records nothing.</summary>
    public static void MapConsumerDefaults(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/end-users/defaults", PutAsync)
            .RequireAuthorization(Policies.Administer)
            .AddEndpointFilter<ValidationFilter>()
            .Produces<DefaultsView>()
            .ProducesValidationProblem();
        app.MapGet("/api/end-users/defaults", GetAsync)
            .RequireAuthorization(Policies.Administer)
            .Produces<DefaultsView>();
    }

    private static async Task<IResult> PutAsync(
        DefaultsRequest request, ClaimsPrincipal user, OrganizationWriter writer, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Owns(request.OrganizationId)) return Problem.NotFound("organization");
        var decision = await writer.ChangeAsync(user.OrganizationOf(),
            org => SetDefaults.Decide(org, request.Limits, user.ActorOf(), clock.GetUtcNow()), ct);
        return decision.Refusal is { } refusal ? Problem.Refused(refusal) : Results.Ok(DefaultsView.Of(request.Limits));
    }

    private static async Task<IResult> GetAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_id")] string? organizationId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        if (!user.Owns(organizationId)) return Problem.NotFound("organization");
        await using var session = store.QuerySession();
        var org = await session.Events.AggregateStreamAsync<Organization>(OrganizationStream.Key(user.OrganizationOf()), token: ct);
        return Results.Ok(DefaultsView.Of(org!.ConsumerDefaults));
    }
}
