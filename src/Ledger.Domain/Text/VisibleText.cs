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
    /// overrides and isolates, soft hyphen, BOM), line and paragraph separators, and the fillers
    /// and joiner that render as nothing although Unicode files them as letters or marks.
    /// </summary>
    public static bool IsHidden(char c) =>
        c < '\u007f' ? c < ' '
            : CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
              || c is '\u034f' or '\u115f' or '\u1160' or '\u3164' or '\uffa0';

    public static bool HasHidden(string value)
    {
        foreach (var c in value)
            if (IsHidden(c)) return true;
        return false;
    }

    /// <summary>
    /// The text in Unicode normalization form C, so that a decomposed <c>e\u0301</c> and a composed
    /// <c>é</c> name one consumer. Applied where text arrives, before it is validated or stored.
    /// </summary>
    public static string Nfc(string value) => value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);

    public static string? NfcOrNull(string? value) => value is null ? null : Nfc(value);
}
