using System.Text.Json;
using Ledger.Domain.Text;
using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.LiteLlm;

/// <summary>
/// One LiteLLM <c>StandardLoggingPayload</c> read straight off the body as a <see cref="UsageRecord"/>
/// (docs/integrations.md has the mapping). Only the fields the record needs are read; the rest,
/// messages and responses included, are skipped unread, so they are never kept.
/// </summary>
public static class LiteLlmPayload
{
    /// <summary>Reads the value the reader is on; a value of the wrong type throws a <see cref="JsonException"/> at <paramref name="path"/>.</summary>
    public static UsageRecord? Read(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) throw Problem(path, "", "expected a LiteLLM logging payload (a JSON object).");
        string? id = null, endUser = null, model = null, modelGroup = null, provider = null, status = null;
        long? input = null, output = null;
        decimal? cost = null;
        DateTimeOffset? start = null, end = null;
        LiteLlmKeyMetadata key = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8)) id = Text(ref reader, path, "id");
            else if (reader.ValueTextEquals("end_user"u8)) endUser = Text(ref reader, path, "end_user");
            else if (reader.ValueTextEquals("model"u8)) model = Text(ref reader, path, "model");
            else if (reader.ValueTextEquals("model_group"u8)) modelGroup = Text(ref reader, path, "model_group");
            else if (reader.ValueTextEquals("custom_llm_provider"u8)) provider = Text(ref reader, path, "custom_llm_provider");
            else if (reader.ValueTextEquals("status"u8)) status = Text(ref reader, path, "status");
            else if (reader.ValueTextEquals("prompt_tokens"u8)) input = Count(ref reader, path, "prompt_tokens");
            else if (reader.ValueTextEquals("completion_tokens"u8)) output = Count(ref reader, path, "completion_tokens");
            else if (reader.ValueTextEquals("response_cost"u8)) cost = Cost(ref reader, path);
            else if (reader.ValueTextEquals("startTime"u8)) start = Time(ref reader, path, "startTime");
            else if (reader.ValueTextEquals("endTime"u8)) end = Time(ref reader, path, "endTime");
            else if (reader.ValueTextEquals("metadata"u8)) key = LiteLlmKeyMetadata.Read(ref reader, $"{path}.metadata");
            else reader.Skip();
        }
        return new UsageRecord
        {
            RequestId = id,
            KeyId = Set(key.Hash) ?? Set(key.Alias),
            TeamId = key.TeamId,
            User = Set(endUser) ?? key.EndUserId,
            Model = Set(modelGroup) ?? model,
            Provider = provider,
            InputTokens = input,
            OutputTokens = output,
            CostUsd = cost, // null or absent: Ledger prices it from the model price table (docs/model-prices.md)
            Status = Status(status, path),
            LatencyMs = Latency(start, end, path),
            OccurredAt = start,
        };
    }

    /// <summary>A string or null, in NFC as every text Ledger reads.</summary>
    internal static string? Text(ref Utf8JsonReader reader, string path, string field)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => VisibleText.Nfc(reader.GetString()!),
            _ => throw Problem(path, field, "expected a string."),
        };
    }

    private static long? Count(ref Utf8JsonReader reader, string path, string field)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.Number when reader.TryGetInt64(out var n) => n,
            _ => throw Problem(path, field, "expected a whole number."),
        };
    }

    private static decimal? Cost(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.Number when reader.TryGetDecimal(out var usd) => usd,
            _ => throw Problem(path, "response_cost", "expected a number Ledger can hold."),
        };
    }

    private static DateTimeOffset? Time(ref Utf8JsonReader reader, string path, string field)
    {
        reader.Read();
        return LiteLlmTime.TryRead(ref reader, out var time) ? time
            : throw Problem(path, field, "expected epoch seconds or a UTC time such as \"2025-01-24 09:20:46.847371\".");
    }

    private static string Status(string? status, string path) => status switch
    {
        "success" => "success",
        "failure" => "error",
        _ => throw Problem(path, "status", "expected 'success' or 'failure'."),
    };

    private static int? Latency(DateTimeOffset? start, DateTimeOffset? end, string path) => (end - start)?.TotalMilliseconds switch
    {
        null => null,
        < 0 => throw Problem(path, "endTime", "'endTime' must not be before 'startTime'."),
        > int.MaxValue => throw Problem(path, "endTime", "'endTime' must be within 24 days of 'startTime'."),
        var ms => (int)Math.Round(ms.Value),
    };

    private static string? Set(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>Thrown as the serializer throws, so the problem names the record's index and the field (records[3].startTime).</summary>
    internal static JsonException Problem(string path, string field, string message) =>
        new(message, field.Length == 0 ? path : $"{path}.{field}", null, null);
}
