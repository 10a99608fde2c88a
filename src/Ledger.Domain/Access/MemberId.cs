using Ledger.Domain.Text;

namespace Ledger.Domain.Access;

/// <summary>
/// A member's <c>user_id</c>: an identifier (1 to 200 visible characters) that is also a path
/// segment of <c>/api/members/{user_id}</c>, where an encoded '/' cannot be told apart, and not
/// <see cref="Ingest"/>, the name the gateway's token acts under in the audit log.
/// </summary>
public static class MemberId
{
    public const int MaxLength = 200;

    public const string Ingest = "ingest";

    /// <summary>What is wrong with <paramref name="userId"/> as a member id, or null when nothing is.</summary>
    public static string? Problem(string? userId) => userId switch
    {
        null or "" => "'user_id' is required.",
        { Length: > MaxLength } => $"'user_id' must be at most {MaxLength} characters.",
        _ when VisibleText.HasHidden(userId) => $"'user_id' {VisibleText.Rule}.",
        _ when userId.Contains('/') || userId is "." or ".." => "'user_id' must not contain '/' or be '.' or '..'.",
        Ingest => $"'user_id' must not be '{Ingest}': the gateway's token acts under that name in the audit log.",
        _ => null,
    };
}
