namespace Ledger.Tests.Infrastructure;

/// <summary>
/// The system clock, which a test moves forward at will: it jumps past a reservation's lifetime
/// instead of sleeping through a short one, so nothing expires early on a slow machine.
/// </summary>
public sealed class MovableClock : TimeProvider
{
    private long _aheadTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _aheadTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _aheadTicks, by.Ticks);
}
