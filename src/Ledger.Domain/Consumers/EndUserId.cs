namespace Ledger.Domain.Consumers;

/// <summary>
/// The gateway's OpenAI-spec <c>user</c> field, taken as an opaque, case-sensitive string (SPEC §1).
/// </summary>
public static class EndUserId
{
    public const int MaxLength = 200;

    public static bool IsWellFormed(string value) =>
        value.Length is > 0 and <= MaxLength && !value.Any(char.IsControl);
}
