using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ledger.Api.Http;
using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.Settling;

/// <summary>
/// The body of <c>POST /v1/usage</c>: one usage record, or a JSON array of them. Bound by hand so
/// that a batch is parsed straight from the request buffer and shape errors carry their index.
/// </summary>
public sealed record UsagePost(IReadOnlyList<UsageRecord?> Records, bool IsBatch) : IUsageBatch
{
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    public string WireName(string field) => field;

    public static async ValueTask<UsagePost> BindAsync(HttpContext context)
    {
        var bodyReader = context.Request.BodyReader;
        var body = await BoundedBody.ReadAsync(bodyReader, MaxBodyBytes, context.RequestAborted);
        try
        {
            return Parse(body);
        }
        finally
        {
            bodyReader.AdvanceTo(body.End);
        }
    }

    private static UsagePost Parse(ReadOnlySequence<byte> body)
    {
        // Peeks at the first token to tell one record from a batch; the reader rejects invalid UTF-8.
        var peek = new Utf8JsonReader(body);
        if (!peek.Read()) throw new JsonException("The body is empty; expected a usage record or an array of them.");
        return peek.TokenType == JsonTokenType.StartArray
            ? new UsagePost((IReadOnlyList<UsageRecord?>?)ReadWhole(body, UsageJsonContext.Default.UsageRecordArray) ?? [], IsBatch: true)
            : new UsagePost([ReadWhole(body, UsageJsonContext.Default.UsageRecord)
                ?? throw new JsonException("Expected a usage record, found null.")], IsBatch: false);
    }

    private static T? ReadWhole<T>(ReadOnlySequence<byte> body, JsonTypeInfo<T> type)
    {
        var reader = new Utf8JsonReader(body);
        var value = JsonSerializer.Deserialize(ref reader, type);
        if (reader.Read()) throw new JsonException("Unexpected content after the JSON value.");
        return value;
    }
}
