using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Domain.Money;

namespace Ledger.Api.Http;

/// <summary>
/// Writes amounts without the trailing zeros of their stored scale (<c>1.5</c>, not
/// <c>1.5000000000</c>); reads JSON numbers only, as <see cref="JsonNumberHandling.Strict"/> does, and says so
/// when a number is beyond what a decimal holds (<c>1e30</c>).
/// </summary>
public sealed class AmountConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetDecimal(out var value) => value,
        JsonTokenType.Number => throw new JsonException(
            "expected a number Ledger can hold: at most 28 digits (amounts in USD are kept to 10 decimal places)."),
        _ => throw new JsonException("expected a number."),
    };

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(Usd.Trimmed(value));
}
