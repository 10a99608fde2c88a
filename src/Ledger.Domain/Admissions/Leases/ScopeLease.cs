namespace Ledger.Domain.Admissions;

/// <summary>
/// Quota of one scope that one node holds until <see cref="ExpiresAt"/> and spends in memory:
/// <see cref="Slots"/> admissions (null: the scope has no rpm cap) and <see cref="Headroom"/> of
/// estimated cost (null: no budget cap). The grant counted the slots in the scope's rpm window at
/// <see cref="WindowAt"/>, the lease's end, so that a slot spent at any moment of the lease ages out
/// no earlier than the admission would have; it added the headroom to the scope's reserved total.
/// What the node does not spend it gives back when the lease ends (<see cref="UnspentSlots"/>).
/// </summary>
public sealed record ScopeLease(
    Guid Id, ScopeKey Scope, long? Slots, decimal? Headroom, long? SlotsGranted, decimal? HeadroomGranted,
    DateTimeOffset WindowAt, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Whether the lease covers one more request of this estimated cost at <paramref name="now"/>.
    /// A request whose estimate is larger than what is left goes to the database, which decides it
    /// exactly (a budget may be passed only by the one request that was under it when admitted).
    /// </summary>
    public bool Covers(decimal estimatedCost, DateTimeOffset now) =>
        now < ExpiresAt && Slots is null or > 0 && (Headroom is null || Headroom >= estimatedCost);

    public ScopeLease Spending(decimal estimatedCost) => this with { Slots = Slots - 1, Headroom = Headroom - estimatedCost };

    /// <summary>
    /// Due for renewal at <paramref name="now"/>: less than half its term is left, or less than half of its slots or of
    /// its headroom (demand grew since it was sized), so that the next lease is in place before this one runs out.
    /// </summary>
    public bool Waning(DateTimeOffset now, TimeSpan term) =>
        ExpiresAt - now <= term / 2 || Slots * 2 < SlotsGranted || Headroom * 2 < HeadroomGranted;

    /// <summary>
    /// Slots that go back to the scope's window when the lease ends. Headroom goes back as the lease's row recorded it
    /// spent: only admissions whose reservation was stored hold any.
    /// </summary>
    public long UnspentSlots => Slots ?? 0;
}
