using System.Text.Json;

namespace Ledger.Api.Usage.LiteLlm;

/// <summary>What a LiteLLM payload's <c>metadata</c> says of the virtual key that made the request; everything else in it is skipped.</summary>
public readonly record struct LiteLlmKeyMetadata(string? Hash, string? Alias, string? TeamId, string? EndUserId)
{
    public static LiteLlmKeyMetadata Read(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null) return default;
        if (reader.TokenType != JsonTokenType.StartObject) throw LiteLlmPayload.Problem(path, "", "expected an object.");
        var key = default(LiteLlmKeyMetadata);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("user_api_key_hash"u8)) key = key with { Hash = LiteLlmPayload.Text(ref reader, path, "user_api_key_hash") };
            else if (reader.ValueTextEquals("user_api_key_alias"u8)) key = key with { Alias = LiteLlmPayload.Text(ref reader, path, "user_api_key_alias") };
            else if (reader.ValueTextEquals("user_api_key_team_id"u8)) key = key with { TeamId = LiteLlmPayload.Text(ref reader, path, "user_api_key_team_id") };
            else if (reader.ValueTextEquals("user_api_key_end_user_id"u8)) key = key with { EndUserId = LiteLlmPayload.Text(ref reader, path, "user_api_key_end_user_id") };
            else reader.Skip();
        }
        return key;
    }
}
