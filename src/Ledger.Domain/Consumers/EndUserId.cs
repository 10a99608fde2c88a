namespace Ledger.Domain.Consumers;

/// <summary>
/// The gateway's OpenAI-spec <c>user</c> field, taken as an opaque, case-sensitive string (SPEC §1).
/// </summary>
public static class EndUserId
{
    public const int MaxLength = 200;
}
