using System.Buffers;
using System.Globalization;
using System.Text;

namespace Ledger.Domain.Text;

/// <summary>
/// Identifiers and tags (end-user ids, member ids, key and team ids, tags) must read as what they
/// are: an admin <c>l\u200b</c> must not pass for the owner <c>l</c>. So they hold no control
/// characters and no invisible ones, and two spellings of one text are one identifier (NFC).
/// </summary>
public static class VisibleText
{
    public const string Rule = "must not contain control characters or invisible ones (format characters such as U+200B or U+202E, line or paragraph separators)";

    /// <summary>
    /// Control characters (Cc), format characters (Cf: zero-width spaces and joiners, bidi
    /// overrides and isolates, soft hyphen, BOM, the tag characters U+E0000 to U+E007F), line and
    /// paragraph separators, and the fillers and joiner that render as nothing although Unicode
    /// files them as letters or marks.
    /// </summary>
    public static bool IsHidden(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        || r.Value is 0x034f or 0x115f or 0x1160 or 0x3164 or 0xffa0;

    /// <summary>Whether any character is hidden, or a surrogate stands unpaired (no text at all).</summary>
    public static bool HasHidden(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] < '\u007f')
            {
                if (value[i] < ' ') return true;
                continue;
            }
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var used) != OperationStatus.Done || IsHidden(rune)) return true;
            i += used - 1;
        }
        return false;
    }

    /// <summary>
    /// The text in Unicode normalization form C, so that a decomposed <c>e\u0301</c> and a composed
    /// <c>é</c> name one consumer. Applied where text arrives, before it is validated or stored.
    /// </summary>
    public static string Nfc(string value) => value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);

    public static string? NfcOrNull(string? value) => value is null ? null : Nfc(value);
}
