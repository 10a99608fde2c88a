using System.Buffers;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using Ledger.Api.Http;
using Ledger.Api.Problems;
using Ledger.Api.Usage.Settling;
using Microsoft.Net.Http.Headers;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Ledger.Api.Usage.Otlp;

/// <summary>The two encodings of OTLP/HTTP: binary protobuf, and protobuf's JSON mapping with OTLP's own twists.</summary>
public enum OtlpEncoding { Protobuf, Json }

/// <summary>Reads an OTLP/HTTP export request off the body, in the encoding its Content-Type names.</summary>
public static class OtlpWire
{
    public const string Protobuf = "application/x-protobuf", Json = "application/json";

    /// <summary>OTLP/JSON receivers must ignore fields they do not know (a newer sender's).</summary>
    private static readonly JsonParser JsonReader = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The route only admits the two media types (415 otherwise).</summary>
    public static OtlpEncoding EncodingOf(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase)
            ? OtlpEncoding.Json : OtlpEncoding.Protobuf;

    /// <summary>The export request, or a <see cref="FormatException"/> saying why the body is none.</summary>
    public static async Task<ExportTraceServiceRequest> ReadAsync(HttpRequest request, OtlpEncoding encoding, CancellationToken ct)
    {
        var bodyReader = request.BodyReader;
        var body = await BoundedBody.ReadAsync(bodyReader, UsagePost.MaxBodyBytes, ct);
        try
        {
            var plain = request.Headers.ContentEncoding.ToString() switch
            {
                "" or "identity" => body,
                "gzip" => Gunzip(body, UsagePost.MaxBodyBytes),
                var other => throw new FormatException($"Content-Encoding '{other}' is not supported; send gzip or none."),
            };
            return encoding == OtlpEncoding.Protobuf
                ? ExportTraceServiceRequest.Parser.ParseFrom(plain)
                : OtlpJsonIds.FromHex(JsonReader.Parse<ExportTraceServiceRequest>(StrictUtf8.GetString(plain)));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or InvalidDataException or DecoderFallbackException)
        {
            throw new FormatException(e.Message, e);
        }
        finally
        {
            bodyReader.AdvanceTo(body.End);
        }
    }

    /// <summary>The limit holds for the body as decompressed, so a small gzip bomb is refused as a large body is.</summary>
    private static ReadOnlySequence<byte> Gunzip(ReadOnlySequence<byte> compressed, long maxBytes)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed.ToArray()), CompressionMode.Decompress);
        var plain = new MemoryStream();
        var chunk = new byte[64 * 1024];
        for (int n; (n = gzip.Read(chunk)) > 0; plain.Write(chunk, 0, n))
            if (plain.Length + n > maxBytes) throw new RequestBodyTooLargeException(maxBytes);
        return new ReadOnlySequence<byte>(plain.GetBuffer(), 0, (int)plain.Length);
    }
}
