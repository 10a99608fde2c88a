using System.Text.Json.Serialization;
using Ledger.Api.Http;
using Ledger.Api.Validation;
using Ledger.Ingest.Usage.Settling;

namespace Ledger.Api.Usage.Settling;

/// <summary>
/// Compile-time JSON metadata for the ingest body: a post holds up to a thousand records, so
/// reflection-free parsing matters. Same rules as the API's JSON options (strict numbers, unknown
/// fields and fields given twice refused, text in NFC).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    Converters = [typeof(NfcStringConverter), typeof(AmountConverter)])]
[JsonSerializable(typeof(UsageRecord))]
[JsonSerializable(typeof(UsageRecord[]))]
internal sealed partial class UsageJsonContext : JsonSerializerContext;
