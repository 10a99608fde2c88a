using System.Collections.Concurrent;
using Ledger.Projections.Access;

namespace Ledger.Api.Auth;

/// <summary>
/// Ingest tokens as recently loaded, by token hash, so a gateway's admissions and usage posts do
/// not each pay a database round trip to authenticate. An entry lives <see cref="AuthOptions.IngestTokenCacheTtl"/>;
/// a revocation on this node forgets its organization's entries at once, and other nodes stop
/// accepting the token when their entry expires. Member tokens are never cached: their role is
/// read at every request, so a re-role or revocation applies at once everywhere.
/// </summary>
public sealed class IngestTokenCache(TimeProvider clock, Microsoft.Extensions.Options.IOptions<AuthOptions> options)
{
    /// <summary>An organization has a handful of ingest tokens; past this many entries the cache starts over.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (AccessToken Token, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    /// <summary>Counts revocations, so a token loaded while one happened is not remembered past it.</summary>
    private long _generation;

    /// <summary>Take before loading a token; pass to <see cref="Remember"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public AccessToken? Find(string hash) =>
        _entries.TryGetValue(hash, out var entry) && entry.Until > clock.GetUtcNow() ? entry.Token : null;

    public void Remember(AccessToken token, long generationBeforeLoad)
    {
        var ttl = options.Value.IngestTokenCacheTtl;
        if (token.UserId is not null || ttl <= TimeSpan.Zero) return;
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[token.Id] = (token, clock.GetUtcNow() + ttl);
        // A revocation since the load may have missed this entry: drop it again (the next request reloads).
        if (Generation != generationBeforeLoad) _entries.TryRemove(token.Id, out _);
    }

    /// <summary>Called when an organization's tokens change on this node.</summary>
    public void Forget(Guid organizationId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var entry in _entries)
            if (entry.Value.Token.OrganizationId == organizationId) _entries.TryRemove(entry);
    }
}
