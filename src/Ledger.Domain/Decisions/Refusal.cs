namespace Ledger.Domain.Decisions;

/// <summary>Why a command was refused. The HTTP edge maps each kind to its status code.</summary>
public enum RefusalKind
{
    /// <summary>A value in the command names something that does not exist: 400.</summary>
    Invalid,

    /// <summary>The thing addressed does not exist (or is not visible): 404.</summary>
    NotFound,

    /// <summary>It exists, but the command contradicts its state: 409.</summary>
    Conflict,

    /// <summary>The caller's role may not do this to this thing: 403.</summary>
    Forbidden,
}

/// <summary>A command refused by a decision function, naming the field and the rule.</summary>
public sealed record Refusal(RefusalKind Kind, string Field, string Message);
