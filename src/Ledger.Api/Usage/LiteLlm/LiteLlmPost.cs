using System.Buffers;
using System.Text;
using System.Text.Json;
using Ledger.Api.Http;
using Ledger.Api.Usage.Settling;
using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.LiteLlm;

/// <summary>
/// The body of <c>POST /v1/integrations/litellm</c> in any of the generic_api logger's
/// <c>log_format</c>s, told apart by the body itself (LiteLLM labels all three application/json):
/// <c>json_array</c> is one array of payloads, <c>ndjson</c> one payload per line, <c>single</c> one payload.
/// </summary>
public sealed record LiteLlmPost(IReadOnlyList<UsageRecord?> Records, bool IsBatch) : IUsageBatch
{
    private static readonly Dictionary<string, string> WireNames = new(StringComparer.Ordinal)
    {
        ["request_id"] = "id",
        ["key_id"] = "metadata.user_api_key_hash",
        ["team_id"] = "metadata.user_api_key_team_id",
        ["user"] = "end_user",
        ["provider"] = "custom_llm_provider",
        ["input_tokens"] = "prompt_tokens",
        ["output_tokens"] = "completion_tokens",
        ["cost_usd"] = "response_cost",
        ["latency_ms"] = "endTime",
        ["occurred_at"] = "startTime",
    };

    public string WireName(string field) => WireNames.GetValueOrDefault(field, field);

    public static async ValueTask<LiteLlmPost> BindAsync(HttpContext context)
    {
        var bodyReader = context.Request.BodyReader;
        var body = await BoundedBody.ReadAsync(bodyReader, UsagePost.MaxBodyBytes, context.RequestAborted);
        try
        {
            return Parse(body);
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
        {
            throw new JsonException("The body holds text that is not UTF-8.", e);
        }
        finally
        {
            bodyReader.AdvanceTo(body.End);
        }
    }

    private static LiteLlmPost Parse(ReadOnlySequence<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
        if (!reader.Read()) throw new JsonException("The body is empty; expected LiteLLM logging payloads.");
        var records = new List<UsageRecord?>();
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                records.Add(LiteLlmPayload.Read(ref reader, $"$[{records.Count}]"));
            if (reader.Read()) throw new JsonException("Unexpected content after the JSON array.");
            return new LiteLlmPost(records, IsBatch: true);
        }
        // One payload (single) or one per line (ndjson): a peek past the first tells which.
        var peek = reader;
        peek.Skip();
        var single = !peek.Read();
        do records.Add(LiteLlmPayload.Read(ref reader, single ? "$" : $"$[{records.Count}]"));
        while (reader.Read());
        return new LiteLlmPost(records, IsBatch: !single);
    }
}
