namespace Ledger.Domain.Decisions;

/// <summary>
/// What a decision function returns: the events to append (none when the command changes
/// nothing), or the refusal. Decisions are pure: state, command and time in, this out.
/// </summary>
public sealed record Decision(IReadOnlyList<object> Events, Refusal? Refusal)
{
    public static readonly Decision Nothing = new([], null);

    public static Decision Of(params object[] events) => new(events, null);

    public static Decision Refuse(RefusalKind kind, string field, string message) => new([], new Refusal(kind, field, message));

    public bool IsRefused => Refusal is not null;
}
