using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Domain.Text;

namespace Ledger.Api.Validation;

/// <summary>
/// Every string read from a JSON body arrives in NFC (<see cref="VisibleText.Nfc"/>), before
/// validation and storage: a decomposed and a composed <c>é</c> are one consumer, one tag, one
/// member. ASCII text, nearly all of it, is checked in a few nanoseconds and left as it is.
/// </summary>
public sealed class NfcStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } text ? VisibleText.Nfc(text) : null;

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
