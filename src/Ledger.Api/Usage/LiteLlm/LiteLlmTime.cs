using System.Globalization;
using System.Text.Json;

namespace Ledger.Api.Usage.LiteLlm;

/// <summary>
/// LiteLLM's <c>startTime</c> and <c>endTime</c>: epoch seconds (a float) in the proxy's payload, or
/// Python's <c>str(datetime)</c> ("2025-01-24 09:20:46.847371") where a datetime went through its
/// JSON fallback; both UTC. An ISO 8601 "T" and an offset are read too.
/// </summary>
public static class LiteLlmTime
{
    private static readonly string[] Formats =
        ["yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mm:ssK"];

    /// <summary>Far outside any real request: epoch seconds beyond it are not seconds (milliseconds, say).</summary>
    private const double MaxEpochSeconds = 32_503_680_000; // 3000-01-01

    /// <summary>Null for a JSON null; false when the value is no time LiteLLM sends.</summary>
    public static bool TryRead(ref Utf8JsonReader reader, out DateTimeOffset? time)
    {
        time = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.Number when reader.TryGetDouble(out var seconds) && seconds is >= 0 and < MaxEpochSeconds:
                time = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
                return true;
            case JsonTokenType.String when DateTimeOffset.TryParseExact(reader.GetString(), Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed):
                time = parsed;
                return true;
            default:
                return false;
        }
    }
}
