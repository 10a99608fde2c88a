using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ledger.Api.Http;

/// <summary>
/// Reads timestamps the way the docs promise: ISO 8601, UTC unless they carry an offset (a bare
/// date is midnight UTC), whatever the server's own time zone.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
        && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new JsonException("expected an ISO 8601 timestamp.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
