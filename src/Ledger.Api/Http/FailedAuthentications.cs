using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Http;

/// <summary>
/// Refused tokens per client address, in one-minute windows. Past the limit the address is refused
/// altogether (<see cref="Gate"/>, ahead of authentication), so guessing tokens costs a guesser its
/// access and costs Ledger no token lookups.
/// </summary>
public sealed class FailedAuthentications : IDisposable
{
    private readonly int _limit;
    private readonly PartitionedRateLimiter<string> _failures;

    public FailedAuthentications(IOptions<RateLimitOptions> options)
    {
        _limit = options.Value.FailedAuthenticationsPerMinute;
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, _limit), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        Gate = new AddressGate(this);
    }

    /// <summary>The limiter that refuses an address with no failures left this minute.</summary>
    public PartitionedRateLimiter<HttpContext> Gate { get; }

    public void Count(HttpContext context)
    {
        if (_limit > 0) _failures.AttemptAcquire(RateLimits.AddressOf(context)).Dispose();
    }

    /// <summary>Asking for no permit tells whether any is left, without using one.</summary>
    private RateLimitLease Check(HttpContext context)
    {
        if (_limit <= 0) return Unlimited.Lease;
        var lease = _failures.AttemptAcquire(RateLimits.AddressOf(context), permitCount: 0);
        if (!lease.IsAcquired) context.Items[typeof(FailedAuthentications)] = true; // for the refusal's wording
        return lease;
    }

    public void Dispose() => _failures.Dispose();

    private sealed class AddressGate(FailedAuthentications failures) : PartitionedRateLimiter<HttpContext>
    {
        public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

        protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => failures.Check(resource);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(failures.Check(resource));
    }

    private sealed class Unlimited : RateLimitLease
    {
        public static readonly Unlimited Lease = new();
        public override bool IsAcquired => true;
        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
