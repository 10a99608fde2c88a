using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Domain.Consumers;

namespace Ledger.Projections.Audit;

/// <summary>An override as the audit trail shows it: every field, snake_case, a null for no cap.</summary>
public static class AuditJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Of(ConsumerLimits limits) => JsonSerializer.Serialize(limits with
    {
        PeriodStart = limits.PeriodStart?.ToUniversalTime(),
        PeriodEnd = limits.PeriodEnd?.ToUniversalTime(),
    }, Options);
}
