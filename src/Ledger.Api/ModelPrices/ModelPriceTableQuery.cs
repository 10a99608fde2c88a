using Ledger.Domain.ModelPrices;
using Ledger.Domain.Organizations;
using Marten;

namespace Ledger.Api.ModelPrices;

/// <summary>The price table in force for an organization: its own prices, and the shipped defaults for every other model.</summary>
public sealed class ModelPriceTableQuery(IDocumentStore store)
{
    public sealed record Response(IReadOnlyList<Price> Prices, Defaults DefaultPrices);

    /// <summary>Source is <c>organization</c> (its own, overriding any default) or <c>default</c>.</summary>
    public sealed record Price(string Model, decimal InputUsdPerMillion, decimal OutputUsdPerMillion, string Source);

    public sealed record Defaults(string Source, DateOnly AsOf);

    public async Task<Response> RunAsync(Guid organizationId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var org = await session.Events.AggregateStreamAsync<Organization>(OrganizationStream.Key(organizationId), token: ct);
        var own = org!.ModelPrices.Select(p => new Price(p.Key, p.Value.InputUsdPerMillion, p.Value.OutputUsdPerMillion, "organization"));
        var defaults = DefaultModelPrices.All.Where(p => !org.ModelPrices.ContainsKey(p.Key))
            .Select(p => new Price(p.Key, p.Value.InputUsdPerMillion, p.Value.OutputUsdPerMillion, "default"));
        return new Response([.. own.Concat(defaults).OrderBy(p => p.Model, StringComparer.Ordinal)],
            new Defaults(DefaultModelPrices.Source, DefaultModelPrices.AsOf));
    }
}
