using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Domain.Admissions;
using Ledger.Domain.Consumers;
using Ledger.Domain.ModelPrices;

namespace Ledger.Projections.Audit;

/// <summary>Caps and prices as the audit trail shows them: every field, snake_case, a null for no cap or no price of its own.</summary>
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

    public static string Of(RateLimits limits) => JsonSerializer.Serialize(limits, Options);

    public static string? Of(ModelPrice? price) => price is null ? null : JsonSerializer.Serialize(price, Options);
}
