using JasperFx.Events;
using Ledger.Domain.Consumers;
using Ledger.Domain.Usage;

namespace Ledger.Projections.Consumers;

/// <summary>What one batch of events adds to one consumer's row.</summary>
internal sealed class ConsumerDelta(Guid organizationId, string endUserId)
{
    /// <summary>Key ids never contain control characters, so U+001F can join them for transport.</summary>
    public const char KeySeparator = '\u001f';

    public Guid OrganizationId { get; } = organizationId;
    public string EndUserId { get; } = endUserId;
    public long Requests { get; private set; }
    public long InputTokens { get; private set; }
    public long OutputTokens { get; private set; }
    public decimal Spend { get; private set; }
    public DateTimeOffset FirstSeen { get; private set; } = DateTimeOffset.MaxValue;
    public DateTimeOffset? LastActive { get; private set; }
    public string? Source { get; private set; }

    /// <summary>Set when the batch's last lifecycle event for the consumer retired it.</summary>
    public DateTimeOffset? RetiredAt { get; private set; }
    public SortedSet<string> Keys { get; } = new(StringComparer.Ordinal);

    public static IReadOnlyList<ConsumerDelta> Fold(IReadOnlyList<IEvent> events)
    {
        var byConsumer = new Dictionary<(Guid, string), ConsumerDelta>();
        ConsumerDelta For(Guid org, string user) =>
            byConsumer.TryGetValue((org, user), out var d) ? d : byConsumer[(org, user)] = new ConsumerDelta(org, user);

        foreach (var e in events)
        {
            switch (e.Data)
            {
                case UsageSettled { EndUserId: { } user } u:
                    For(u.OrganizationId, user).Add(u);
                    break;
                case ConsumerRegistered r:
                    For(r.OrganizationId, r.EndUserId).Add(r);
                    break;
                case ConsumerRetired r:
                    For(r.OrganizationId, r.EndUserId).RetiredAt = r.RetiredAt;
                    break;
            }
        }
        return [.. byConsumer.Values];
    }

    private void Add(UsageSettled u)
    {
        Requests++;
        InputTokens += u.InputTokens;
        OutputTokens += u.OutputTokens;
        Spend += u.Cost();
        if (u.OccurredAt < FirstSeen) FirstSeen = u.OccurredAt;
        if (LastActive is null || u.OccurredAt > LastActive) LastActive = u.OccurredAt;
        Keys.Add(u.KeyId);
    }

    private void Add(ConsumerRegistered r)
    {
        if (r.RegisteredAt < FirstSeen) FirstSeen = r.RegisteredAt;
        Source = ToSnakeCase(r.Source);
        RetiredAt = null;
    }

    private static string ToSnakeCase(RegistrationSource source) => source switch
    {
        RegistrationSource.FirstTraffic => "first_traffic",
        RegistrationSource.PreRegistration => "pre_registration",
        RegistrationSource.BulkImport => "bulk_import",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };
}
