using Ledger.Projections.OrganizationUsage;
using Npgsql;

namespace Ledger.Api.OrganizationUsage.GettingTotals;

/// <summary>Lifetime totals of an organization, usage attributed to no consumer included.</summary>
public sealed class OrganizationUsageQuery(NpgsqlDataSource dataSource)
{
    public sealed record Totals(
        long Requests, long InputTokens, long OutputTokens, long TotalTokens, decimal TotalSpend,
        long UnattributedRequests, decimal UnattributedSpend);

    public async Task<Totals> RunAsync(Guid organizationId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select requests, input_tokens, output_tokens, total_spend, unattributed_requests, unattributed_spend
            from {OrganizationUsageTable.Name} where organization_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = organizationId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return new Totals(0, 0, 0, 0, 0, 0, 0);
        return new Totals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(1) + reader.GetInt64(2),
            reader.GetDecimal(3), reader.GetInt64(4), reader.GetDecimal(5));
    }
}
